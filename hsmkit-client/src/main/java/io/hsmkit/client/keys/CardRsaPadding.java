package io.hsmkit.client.keys;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.params.RSAKeyParameters;

/**
 * The host half of RSA with a card that only does raw RSA, as OpenSC does it (
 * docs/protocol.md#sign/docs/protocol.md#decipher): Bouncy Castle's padding engines, so no padding is hand-written. Only the blocks
 * cross this class; the card call is the caller's, so a caller that must hold a lock around it
 * (the JCA provider) can, and one that need not (the CLI) just calls the session.
 */
public final class CardRsaPadding {
  /** PKCS#1 v1.5 needs 00 01 FF×8 00 at least around the data. */
  public static final int PKCS1_OVERHEAD = 11;

  private CardRsaPadding() {}

  /** The modulus length k in bytes. */
  public static int modulusBytes(BigInteger n) {
    return (n.bitLength() + 7) / 8;
  }

  /**
   * The EMSA-PKCS1-v1_5 block (type 1) around {@code data}, k bytes, for the card's raw RSA.
   *
   * @throws IllegalArgumentException when {@code data} is longer than k − 11 bytes
   */
  public static byte[] pkcs1SignatureBlock(RSAPublicKey key, byte[] data) {
    Frame frame = new Frame(null);
    PKCS1Encoding enc = new PKCS1Encoding(frame);
    enc.init(true, params(key));
    try {
      enc.processBlock(data, 0, data.length);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("PKCS#1 padding failed", e);
    }
    return frame.captured;
  }

  /** Removes PKCS#1 v1.5 type 2 padding from the card's raw decryption {@code block}. */
  public static byte[] unpadPkcs1(RSAPublicKey key, byte[] block)
      throws InvalidCipherTextException {
    return unpad(new PKCS1Encoding(new Frame(block)), key, block);
  }

  /**
   * Removes OAEP padding from the card's raw decryption {@code block}; {@code label} null is the
   * empty label.
   */
  public static byte[] unpadOaep(
      RSAPublicKey key, byte[] block, Digest hash, Digest mgf1Hash, byte[] label)
      throws InvalidCipherTextException {
    return unpad(new OAEPEncoding(new Frame(block), hash, mgf1Hash, label), key, block);
  }

  private static byte[] unpad(AsymmetricBlockCipher enc, RSAPublicKey key, byte[] block)
      throws InvalidCipherTextException {
    enc.init(false, params(key));
    return enc.processBlock(block, 0, block.length);
  }

  // A private-key parameter: PKCS1Encoding picks block type 1 (sign) and 2 (decrypt) from it.
  private static RSAKeyParameters params(RSAPublicKey key) {
    return new RSAKeyParameters(true, key.getModulus(), key.getPublicExponent());
  }

  /**
   * Raw RSA as the padding engines see it, with the block sizes of BC's own RSA engine, which they
   * rely on (k−1 in / k out when encrypting, k in / k−1 out when decrypting): when encrypting it
   * captures the padded block for the card; when decrypting it hands back the card's result with
   * its leading zero byte dropped.
   */
  private static final class Frame implements AsymmetricBlockCipher {
    private final byte[] decrypted;
    private int k;
    private boolean forEncryption;
    byte[] captured;

    Frame(byte[] decrypted) {
      this.decrypted = decrypted;
    }

    @Override
    public void init(boolean forEncryption, CipherParameters param) {
      this.forEncryption = forEncryption;
      this.k = modulusBytes(((RSAKeyParameters) param).getModulus());
    }

    @Override
    public int getInputBlockSize() {
      return forEncryption ? k - 1 : k;
    }

    @Override
    public int getOutputBlockSize() {
      return forEncryption ? k : k - 1;
    }

    // Copies out: the engines wipe what they are given back.
    @Override
    public byte[] processBlock(byte[] in, int off, int len) {
      if (forEncryption) {
        captured = new byte[k];
        System.arraycopy(in, off, captured, k - len, len);
        return captured.clone();
      }
      if (decrypted.length == k && decrypted[0] == 0) {
        return Arrays.copyOfRange(decrypted, 1, k);
      }
      return decrypted.clone();
    }
  }
}
