package io.hsmkit.card.seal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce: {@code nonce(12) || ciphertext || tag(16)}. The
 * associated data names what a blob is (which key id, which purpose), so a sealed blob moved to
 * another place in the state does not open.
 */
final class Aead {
  static final int KEY_LENGTH = 32;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  /** Bytes a sealed blob has beyond its plaintext. */
  public static final int OVERHEAD = NONCE + TAG_BITS / 8;

  private Aead() {}

  public static byte[] seal(byte[] key, byte[] plaintext, byte[] aad, SecureRandom random) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      byte[] out = new byte[NONCE + c.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      c.doFinal(plaintext, 0, plaintext.length, out, NONCE);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * Opens a sealed blob; empty when the key or the associated data is wrong or the blob was
   * changed (the GCM tag check, which is constant-time in the JDK).
   */
  public static Optional<byte[]> open(byte[] key, byte[] blob, byte[] aad) {
    if (blob.length < OVERHEAD) {
      return Optional.empty();
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BITS, Arrays.copyOf(blob, NONCE)));
      c.updateAAD(aad);
      return Optional.of(c.doFinal(blob, NONCE, blob.length - NONCE));
    } catch (javax.crypto.AEADBadTagException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }
}
