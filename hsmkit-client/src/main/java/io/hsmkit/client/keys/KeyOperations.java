package io.hsmkit.client.keys;

import io.hsmkit.client.Algorithm;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.DigestFactory;

/**
 * Private-key operations on a card key with the host doing what OpenSC does on the host: hashing,
 * PKCS#1 v1.5 signature padding (then raw RSA on the card), PKCS#1 v1.5 / OAEP unpadding after raw
 * decryption. Bouncy Castle's padding engines run around the card's raw RSA, so no padding is
 * hand-written here.
 */
public final class KeyOperations {
  private final SmartCardHsmSession session;

  public KeyOperations(SmartCardHsmSession session) {
    this.session = session;
  }

  /**
   * Signs {@code message} (or, for {@code rsa-raw} and {@code ecdsa}, the given block or hash).
   * ECDSA signatures come back as minimal DER.
   */
  public byte[] sign(KeyInfo key, Mechanism m, byte[] message) throws IOException, HsmException {
    switch (m.kind()) {
      case EC_SIGN -> {
        requireEc(key, m, true);
        byte[] der = switch (m) {
          case ECDSA_SHA1 -> session.sign(key.keyRef(), Algorithm.EC_SHA1, message);
          case ECDSA_SHA224 -> session.sign(key.keyRef(), Algorithm.EC_SHA224, message);
          case ECDSA_SHA256 -> session.sign(key.keyRef(), Algorithm.EC_SHA256, message);
          case ECDSA -> session.sign(key.keyRef(), Algorithm.EC_RAW, message);
          default -> session.sign(key.keyRef(), Algorithm.EC_RAW, digest(m.hash(), message));
        };
        try {
          return EcdsaSignatures.toMinimalDer(der);
        } catch (io.hsmkit.apdu.TlvException e) {
          throw new HsmException("the card answered with a malformed ECDSA signature", null);
        }
      }
      case RSA_SIGN -> {
        requireEc(key, m, false);
        if (m == Mechanism.RSA_RAW) {
          return session.sign(key.keyRef(), Algorithm.RSA_RAW, message);
        }
        byte[] hash = digest(m.hash(), message);
        if (m.isPss()) {
          return session.sign(key.keyRef(), Algorithm.RSA_PSS, hash);
        }
        byte[] digestInfo = digestInfo(m.hash(), hash);
        return pkcs1Sign(key, digestInfo);
      }
      default -> throw new IllegalArgumentException(m.cliName() + " is not a signature mechanism");
    }
  }

  /** Decrypts an RSA cryptogram: raw on the card, unpadded here. */
  public byte[] decrypt(KeyInfo key, Mechanism m, byte[] cryptogram)
      throws IOException, HsmException {
    requireEc(key, m, false);
    if (m == Mechanism.RSA_DECRYPT_RAW) {
      return session.decipher(key.keyRef(), Algorithm.RSA_DECRYPT_RAW, cryptogram);
    }
    AsymmetricBlockCipher padding =
        m == Mechanism.RSA_DECRYPT_PKCS1
            ? new PKCS1Encoding(new CardRsaEngine(key, Algorithm.RSA_DECRYPT_RAW))
            : new OAEPEncoding(
                new CardRsaEngine(key, Algorithm.RSA_DECRYPT_RAW), oaepDigest(m), oaepDigest(m),
                null);
    padding.init(false, publicParams(key, true));
    try {
      return padding.processBlock(cryptogram, 0, cryptogram.length);
    } catch (InvalidCipherTextException e) {
      throw new HsmException("decryption failed: the padding does not check out (wrong key or mechanism?)", null);
    } catch (CardFailure e) {
      throw e.cause;
    }
  }

  /**
   * ECDH with the peer's public point (uncompressed {@code 04 || X || Y}); returns the shared
   * secret, the X coordinate (what CKM_ECDH1_DERIVE with CKD_NULL gives).
   */
  public byte[] deriveEcdh(KeyInfo key, byte[] peerPoint) throws IOException, HsmException {
    if (!key.isEc()) {
      throw new HsmException("ECDH needs an EC key; key ref " + key.keyRef() + " is " + key.algorithm(), null);
    }
    byte[] out = session.decipher(key.keyRef(), Algorithm.EC_DH, peerPoint);
    int len = (key.sizeBits() + 7) / 8;
    if (out.length < 1 + len || out[0] != 0x04) {
      throw new HsmException("the card answered ECDH with an unexpected value", null);
    }
    return Arrays.copyOfRange(out, 1, 1 + len);
  }

  private byte[] pkcs1Sign(KeyInfo key, byte[] digestInfo) throws IOException, HsmException {
    PKCS1Encoding enc = new PKCS1Encoding(new CardRsaEngine(key, Algorithm.RSA_RAW));
    enc.init(true, publicParams(key, true));
    try {
      return enc.processBlock(digestInfo, 0, digestInfo.length);
    } catch (InvalidCipherTextException e) {
      throw new HsmException("cannot pad the signature input: " + e.getMessage(), null);
    } catch (CardFailure e) {
      throw e.cause;
    }
  }

  private static RSAKeyParameters publicParams(KeyInfo key, boolean asPrivate) throws HsmException {
    if (!(key.publicKey() instanceof RSAPublicKey r)) {
      throw new HsmException("key ref " + key.keyRef() + " has no RSA public key", null);
    }
    return new RSAKeyParameters(asPrivate, r.getModulus(), r.getPublicExponent());
  }

  private static void requireEc(KeyInfo key, Mechanism m, boolean ec) throws HsmException {
    if (key.isEc() != ec) {
      throw new HsmException(
          m.cliName() + " needs an " + (ec ? "EC" : "RSA") + " key; key ref " + key.keyRef()
              + " is " + key.algorithm(), null);
    }
  }

  private static org.bouncycastle.crypto.Digest oaepDigest(Mechanism m) {
    return m == Mechanism.RSA_DECRYPT_OAEP_SHA1 ? DigestFactory.createSHA1() : DigestFactory.createSHA256();
  }

  static byte[] digest(String alg, byte[] data) {
    try {
      return MessageDigest.getInstance(alg).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DER DigestInfo PKCS#1 v1.5 signs. */
  public static byte[] digestInfo(String alg, byte[] hash) {
    AlgorithmIdentifier id =
        switch (alg) {
          case "SHA-1" -> new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE);
          case "SHA-224" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha224, DERNull.INSTANCE);
          case "SHA-256" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
          case "SHA-384" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha384, DERNull.INSTANCE);
          case "SHA-512" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha512, DERNull.INSTANCE);
          default -> throw new IllegalArgumentException("no DigestInfo for " + alg);
        };
    try {
      return new DigestInfo(id, hash).getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Carries a card error through Bouncy Castle's padding engines, which only throw unchecked. */
  private static final class CardFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient HsmException cause;

    CardFailure(HsmException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  /**
   * Raw RSA on the card behind Bouncy Castle's {@link AsymmetricBlockCipher} interface, with the
   * block sizes of BC's own RSA engine (the padding engines rely on them): k−1 bytes in when
   * encrypting, k−1 bytes out (leading zero dropped) when decrypting, k = modulus length.
   */
  private final class CardRsaEngine implements AsymmetricBlockCipher {
    private final KeyInfo key;
    private final Algorithm alg;
    private int modulusBytes;
    private boolean forEncryption;

    CardRsaEngine(KeyInfo key, Algorithm alg) {
      this.key = key;
      this.alg = alg;
    }

    @Override
    public void init(boolean forEncryption, CipherParameters param) {
      this.forEncryption = forEncryption;
      BigInteger n = ((RSAKeyParameters) param).getModulus();
      modulusBytes = (n.bitLength() + 7) / 8;
    }

    @Override
    public int getInputBlockSize() {
      return forEncryption ? modulusBytes - 1 : modulusBytes;
    }

    @Override
    public int getOutputBlockSize() {
      return forEncryption ? modulusBytes : modulusBytes - 1;
    }

    @Override
    public byte[] processBlock(byte[] in, int off, int len) {
      byte[] block = new byte[modulusBytes];
      System.arraycopy(in, off, block, modulusBytes - len, len);
      try {
        byte[] out = alg == Algorithm.RSA_RAW
            ? session.sign(key.keyRef(), alg, block)
            : session.decipher(key.keyRef(), alg, block);
        if (!forEncryption && out.length == modulusBytes && out[0] == 0) {
          return Arrays.copyOfRange(out, 1, out.length);
        }
        return out;
      } catch (HsmException e) {
        throw new CardFailure(e);
      } catch (IOException e) {
        throw new CardFailure(new HsmException("transport failed: " + e.getMessage(), null));
      }
    }
  }

}
