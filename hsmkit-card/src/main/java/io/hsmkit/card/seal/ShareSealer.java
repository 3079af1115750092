package io.hsmkit.card.seal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * Seals what the card must store while no PIN is given (DKEK shares: IMPORT DKEK SHARE needs no
 * login) to the card's import public key, ECIES-style: an ephemeral X25519 key agreement, HKDF-SHA256
 * over the shared secret bound to both public keys, AES-256-GCM. Only the import private key opens
 * it, and that key is itself sealed under the master key, so a copied state directory without the
 * PIN does not reveal a share.
 *
 * <pre>ephemeral public key (32) || AES-GCM blob</pre>
 */
final class ShareSealer {
  static final int KEY = X25519PrivateKeyParameters.KEY_SIZE;
  private static final byte[] INFO = "hsmkit dkek share v1".getBytes(StandardCharsets.US_ASCII);

  private ShareSealer() {}

  /** A new import key pair: {@code [private(32), public(32)]}. */
  static byte[][] newKeyPair(SecureRandom random) {
    X25519PrivateKeyParameters priv = new X25519PrivateKeyParameters(random);
    return new byte[][] {priv.getEncoded(), priv.generatePublicKey().getEncoded()};
  }

  public static byte[] seal(byte[] recipientPublic, byte[] plaintext, byte[] aad,
      SecureRandom random) {
    X25519PrivateKeyParameters eph = new X25519PrivateKeyParameters(random);
    byte[] ephPublic = eph.generatePublicKey().getEncoded();
    byte[] key = key(eph, new X25519PublicKeyParameters(recipientPublic, 0), ephPublic,
        recipientPublic);
    try {
      byte[] sealed = Aead.seal(key, plaintext, aad, random);
      byte[] out = Arrays.copyOf(ephPublic, KEY + sealed.length);
      System.arraycopy(sealed, 0, out, KEY, sealed.length);
      return out;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  public static Optional<byte[]> open(byte[] recipientPrivate, byte[] blob, byte[] aad) {
    if (blob.length < KEY + Aead.OVERHEAD) {
      return Optional.empty();
    }
    X25519PrivateKeyParameters priv = new X25519PrivateKeyParameters(recipientPrivate, 0);
    byte[] ephPublic = Arrays.copyOf(blob, KEY);
    byte[] key;
    try {
      key = key(priv, new X25519PublicKeyParameters(ephPublic, 0), ephPublic,
          priv.generatePublicKey().getEncoded());
    } catch (IllegalStateException e) {
      return Optional.empty(); // a low-order point gives an all-zero secret: BC refuses it
    }
    try {
      return Aead.open(key, Arrays.copyOfRange(blob, KEY, blob.length), aad);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static byte[] key(X25519PrivateKeyParameters priv, X25519PublicKeyParameters peer,
      byte[] ephPublic, byte[] recipientPublic) {
    X25519Agreement a = new X25519Agreement();
    a.init(priv);
    byte[] shared = new byte[a.getAgreementSize()];
    a.calculateAgreement(peer, shared, 0);
    byte[] salt = new byte[2 * KEY];
    System.arraycopy(ephPublic, 0, salt, 0, KEY);
    System.arraycopy(recipientPublic, 0, salt, KEY, KEY);
    HKDFBytesGenerator h = new HKDFBytesGenerator(new SHA256Digest());
    h.init(new HKDFParameters(shared, salt, INFO));
    byte[] out = new byte[Aead.KEY_LENGTH];
    h.generateBytes(out, 0, out.length);
    Arrays.fill(shared, (byte) 0);
    return out;
  }
}
