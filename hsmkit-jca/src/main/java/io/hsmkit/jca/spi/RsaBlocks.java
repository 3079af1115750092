package io.hsmkit.jca.spi;

import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.DigestFactory;

/**
 * The host half of RSA with a card that only does raw RSA (what OpenSC does, sc-hsm-protocol.md
 * §2.13/§2.14): Bouncy Castle's padding engines wrapped around a block that is captured (before
 * signing) or already decrypted by the card, so no padding is hand-written here. The engines are
 * only asked for their framing; the card does the modular exponentiation.
 */
final class RsaBlocks {
  /** PKCS#1 v1.5 needs 00 01 FF×8 00 at least around the data. */
  static final int PKCS1_OVERHEAD = 11;

  private RsaBlocks() {}

  static int modulusBytes(BigInteger n) {
    return (n.bitLength() + 7) / 8;
  }

  /** The EMSA-PKCS1-v1_5 block (type 1) of {@code data}, modulus-length, for raw RSA. */
  static byte[] pkcs1SignatureBlock(byte[] data, RSAPublicKey key) {
    Frame frame = new Frame(null);
    PKCS1Encoding enc = new PKCS1Encoding(frame);
    enc.init(true, new RSAKeyParameters(true, key.getModulus(), key.getPublicExponent()));
    try {
      enc.processBlock(data, 0, data.length);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("PKCS#1 padding failed", e);
    }
    return frame.captured;
  }

  /**
   * Removes PKCS#1 v1.5 (type 2) or OAEP padding from {@code block}, the card's raw decryption
   * (modulus-length, leading zero kept).
   */
  static byte[] unpad(byte[] block, RSAPublicKey key, OAEPParameterSpec oaep)
      throws BadPaddingException {
    Frame frame = new Frame(block);
    AsymmetricBlockCipher enc =
        oaep == null
            ? new PKCS1Encoding(frame)
            : new OAEPEncoding(frame, digest(oaep.getDigestAlgorithm()),
                digest(((MGF1ParameterSpec) oaep.getMGFParameters()).getDigestAlgorithm()),
                ((PSource.PSpecified) oaep.getPSource()).getValue());
    enc.init(false, new RSAKeyParameters(true, key.getModulus(), key.getPublicExponent()));
    try {
      return enc.processBlock(block, 0, block.length);
    } catch (InvalidCipherTextException e) {
      throw new BadPaddingException(
          "decryption failed: the padding does not check out (wrong key, padding or parameters?)");
    }
  }

  /** Checks that {@code spec} is OAEP with MGF1, a known hash and an explicit label. */
  static OAEPParameterSpec checkOaep(OAEPParameterSpec spec)
      throws InvalidAlgorithmParameterException {
    if (HashAlgorithm.byName(spec.getDigestAlgorithm()).isEmpty()) {
      throw new InvalidAlgorithmParameterException(
          "OAEP hash " + spec.getDigestAlgorithm() + " is not supported (SHA-1/224/256/384/512)");
    }
    if (!"MGF1".equalsIgnoreCase(spec.getMGFAlgorithm())
        || !(spec.getMGFParameters() instanceof MGF1ParameterSpec m)
        || HashAlgorithm.byName(m.getDigestAlgorithm()).isEmpty()) {
      throw new InvalidAlgorithmParameterException("OAEP needs MGF1 with SHA-1/224/256/384/512");
    }
    if (!(spec.getPSource() instanceof PSource.PSpecified)) {
      throw new InvalidAlgorithmParameterException("OAEP label source must be PSpecified");
    }
    return spec;
  }

  private static Digest digest(String name) {
    return switch (HashAlgorithm.byName(name).orElseThrow()) {
      case SHA1 -> DigestFactory.createSHA1();
      case SHA224 -> DigestFactory.createSHA224();
      case SHA256 -> DigestFactory.createSHA256();
      case SHA384 -> DigestFactory.createSHA384();
      case SHA512 -> DigestFactory.createSHA512();
    };
  }

  /**
   * Raw RSA as the padding engines see it, with the block sizes of BC's own RSA engine (k−1 in /
   * k out when encrypting, k in / k−1 out when decrypting): when encrypting it captures the padded
   * block for the card; when decrypting it hands back the card's result.
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
