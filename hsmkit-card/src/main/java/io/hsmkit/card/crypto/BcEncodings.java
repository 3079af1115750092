package io.hsmkit.card.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;

/**
 * Bouncy Castle's PKCS#1 v1.5 and PSS encodings on top of a provider's raw RSA, for {@link
 * KeyOperations}. A class of their own so that loading {@code KeyOperations} (every card open)
 * loads no Bouncy Castle class: the first one makes the JVM verify the signed bcprov jar, a
 * tenth of a second of a CLI start such as {@code hsmkit status} that signs nothing.
 */
final class BcEncodings {
  private BcEncodings() {}

  /** EMSA-PKCS1-v1_5 type 1 padding of {@code digestInfo}, then the private-key operation. */
  static byte[] pkcs1Sign(AsymmetricBlockCipher rsa, byte[] digestInfo) {
    try {
      PKCS1Encoding enc = new PKCS1Encoding(rsa);
      enc.init(true, new AsymmetricKeyParameter(true));
      return enc.processBlock(digestInfo, 0, digestInfo.length);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new IllegalStateException("RSA PKCS#1 signature failed", e);
    }
  }

  /** RSASSA-PSS over {@code mHash}: MGF1 with the same hash, salt as long as the hash. */
  static byte[] pssSign(
      AsymmetricBlockCipher rsa, HashAlgorithm hash, BigInteger n, byte[] mHash, SecureRandom random) {
    try {
      PSSSigner pss =
          PSSSigner.createRawSigner(
              rsa, hash.bcDigest(), hash.bcDigest(), hash.length(), PSSSigner.TRAILER_IMPLICIT);
      // PSSSigner takes the modulus length from the parameters; the exponent is never used.
      pss.init(true, new ParametersWithRandom(new RSAKeyParameters(true, n, BigInteger.ONE), random));
      pss.update(mHash, 0, mHash.length);
      return pss.generateSignature();
    } catch (CryptoException | RuntimeException e) {
      throw new IllegalStateException("RSA-PSS signature failed", e);
    }
  }
}
