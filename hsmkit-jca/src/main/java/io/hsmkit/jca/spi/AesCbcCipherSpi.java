package io.hsmkit.jca.spi;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.jca.CardLink;
import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * {@code AES/CBC/NoPadding} with an AES key of the card (CIPHER {@code 80 78}, docs/protocol.md#cipher).
 * The card's CBC starts from a zero IV; the client's {@link KeyOperations#encryptAesCbc} XORs the IV
 * in as CardContact's module does, so the result is plain CBC with the given IV and agrees with any
 * other provider. Whole blocks go to the card as they arrive; the last ciphertext block is the IV of
 * the next call, so {@code update} and {@code doFinal} in any pieces give the same bytes as one
 * {@code doFinal}. After {@code doFinal} the cipher starts again from the IV of {@code init}.
 *
 * <p>Encryption without an IV draws a random one (read it back with {@link #engineGetIV()}), as
 * SunJCE does; decryption needs the IV. Only {@code ENCRYPT_MODE} and {@code DECRYPT_MODE}.
 */
public final class AesCbcCipherSpi extends CipherSpi {
  private static final int BLOCK = 16;

  private final CardLink link;
  /** Bytes short of a whole block, kept until the next call. */
  private final byte[] pending = new byte[BLOCK];
  private int pendingLength;
  private KeyInfo key;
  private boolean encrypt;
  private byte[] iv;
  private byte[] chain;

  public AesCbcCipherSpi(CardLink link) {
    this.link = link;
  }

  @Override
  protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
    if (!mode.equalsIgnoreCase("CBC")) {
      throw new NoSuchAlgorithmException("this engine does CBC, not " + mode);
    }
  }

  @Override
  protected void engineSetPadding(String padding) throws NoSuchPaddingException {
    if (!padding.equalsIgnoreCase("NoPadding")) {
      throw new NoSuchPaddingException("this engine does NoPadding, not " + padding);
    }
  }

  @Override
  protected int engineGetBlockSize() {
    return BLOCK;
  }

  @Override
  protected int engineGetOutputSize(int inputLen) {
    return pendingLength + inputLen;
  }

  @Override
  protected byte[] engineGetIV() {
    return iv == null ? null : iv.clone();
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    if (iv == null) {
      return null;
    }
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("AES");
      p.init(new IvParameterSpec(iv));
      return p;
    } catch (GeneralSecurityException e) {
      throw new ProviderException("cannot encode the IV", e);
    }
  }

  @Override
  protected int engineGetKeySize(Key k) throws InvalidKeyException {
    return link.requireAesKey(k, "AES").sizeBits();
  }

  @Override
  protected void engineInit(int opmode, Key k, SecureRandom random) throws InvalidKeyException {
    try {
      engineInit(opmode, k, (AlgorithmParameterSpec) null, random);
    } catch (InvalidAlgorithmParameterException e) {
      throw new InvalidKeyException(e.getMessage(), e);
    }
  }

  @Override
  protected void engineInit(int opmode, Key k, AlgorithmParameters params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    AlgorithmParameterSpec spec = null;
    if (params != null) {
      try {
        spec = params.getParameterSpec(IvParameterSpec.class);
      } catch (InvalidParameterSpecException e) {
        throw new InvalidAlgorithmParameterException("AES-CBC takes an IV", e);
      }
    }
    engineInit(opmode, k, spec, random);
  }

  @Override
  protected void engineInit(int opmode, Key k, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (opmode != Cipher.ENCRYPT_MODE && opmode != Cipher.DECRYPT_MODE) {
      throw new InvalidParameterException(
          "AES/CBC/NoPadding on the card encrypts and decrypts only (mode " + opmode + ")");
    }
    KeyInfo info = link.requireAesKey(k, "AES-CBC");
    byte[] newIv;
    if (params == null) {
      if (opmode == Cipher.DECRYPT_MODE) {
        throw new InvalidAlgorithmParameterException("AES-CBC decryption needs the IV");
      }
      newIv = new byte[BLOCK];
      (random != null ? random : new SecureRandom()).nextBytes(newIv);
    } else if (params instanceof IvParameterSpec p && p.getIV().length == BLOCK) {
      newIv = p.getIV();
    } else {
      throw new InvalidAlgorithmParameterException("AES-CBC takes an IvParameterSpec of 16 bytes");
    }
    key = info;
    encrypt = opmode == Cipher.ENCRYPT_MODE;
    iv = newIv;
    reset();
  }

  private void reset() {
    chain = iv.clone();
    Arrays.fill(pending, (byte) 0);
    pendingLength = 0;
  }

  @Override
  protected byte[] engineUpdate(byte[] input, int off, int len) {
    return process(input, off, len, false);
  }

  @Override
  protected int engineUpdate(byte[] input, int off, int len, byte[] out, int outOff)
      throws ShortBufferException {
    requireSpace(out, outOff, (pendingLength + len) / BLOCK * BLOCK);
    return copy(process(input, off, len, false), out, outOff);
  }

  @Override
  protected byte[] engineDoFinal(byte[] input, int off, int len) throws IllegalBlockSizeException {
    if ((pendingLength + len) % BLOCK != 0) {
      int total = pendingLength + len;
      reset();
      throw new IllegalBlockSizeException(
          "AES/CBC/NoPadding needs whole 16-byte blocks; the input has " + total + " bytes");
    }
    try {
      return process(input, off, len, true);
    } finally {
      reset();
    }
  }

  @Override
  protected int engineDoFinal(byte[] input, int off, int len, byte[] out, int outOff)
      throws ShortBufferException, IllegalBlockSizeException {
    requireSpace(out, outOff, pendingLength + len);
    return copy(engineDoFinal(input, off, len), out, outOff);
  }

  /** Sends the whole blocks of pending + input to the card and keeps the rest. */
  private byte[] process(byte[] input, int off, int len, boolean last) {
    if (key == null) {
      throw new IllegalStateException("not initialized");
    }
    int whole = (pendingLength + len) / BLOCK * BLOCK;
    if (whole == 0) {
      System.arraycopy(input == null ? new byte[0] : input, off, pending, pendingLength, len);
      pendingLength += len;
      return new byte[0];
    }
    byte[] blocks = new byte[whole];
    System.arraycopy(pending, 0, blocks, 0, pendingLength);
    int fromInput = whole - pendingLength;
    System.arraycopy(input, off, blocks, pendingLength, fromInput);
    pendingLength = len - fromInput;
    System.arraycopy(input, off + fromInput, pending, 0, pendingLength);
    KeyInfo k = key;
    byte[] ivNow = chain;
    try {
      byte[] result = link.call(encrypt ? "encrypt" : "decrypt", s -> encrypt
          ? new KeyOperations(s).encryptAesCbc(k, ivNow, blocks)
          : new KeyOperations(s).decryptAesCbc(k, ivNow, blocks));
      byte[] ciphertext = encrypt ? result : blocks;
      chain = Arrays.copyOfRange(ciphertext, ciphertext.length - BLOCK, ciphertext.length);
      return result;
    } catch (HsmException e) {
      throw JcaErrors.card(e);
    } catch (IOException e) {
      throw JcaErrors.transport(e);
    } finally {
      Arrays.fill(blocks, (byte) 0);
    }
  }

  private static void requireSpace(byte[] out, int outOff, int n) throws ShortBufferException {
    if (out.length - outOff < n) {
      throw new ShortBufferException("need " + n + " bytes of output space");
    }
  }

  private static int copy(byte[] result, byte[] out, int outOff) {
    System.arraycopy(result, 0, out, outOff, result.length);
    int n = result.length;
    Arrays.fill(result, (byte) 0);
    return n;
  }
}
