package io.hsmkit.jca.spi;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.CardRsaPadding;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmRsaPrivateKey;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;

/**
 * RSASSA-PKCS1-v1_5 as OpenSC 0.23 does it: hash and DigestInfo on the host, the EMSA-PKCS1-v1_5
 * block padded on the host (Bouncy Castle), then raw RSA on the card ({@code RSA_RAW}, 0x20).
 * {@code NONEwithRSA} takes the caller's bytes (normally a DigestInfo) as the data to pad, as the
 * JDK's NONEwithRSA does: at most k−11 bytes.
 */
public final class RsaPkcs1SignatureSpi extends FixedHashSignatureSpi<HsmRsaPrivateKey> {
  /** {@code hash} null is NONEwithRSA. */
  public RsaPkcs1SignatureSpi(CardLink link, HashAlgorithm hash) {
    super(link, HsmRsaPrivateKey.class, hash, "RSA");
  }

  @Override
  protected void checkKey(HsmRsaPrivateKey key) throws InvalidKeyException {
    RSAPublicKey pub = publicKey(key);
    HashAlgorithm hash = hash();
    if (hash != null) {
      int need = KeyOperations.digestInfo(hash.jcaName(), new byte[hash.length()]).length
          + CardRsaPadding.PKCS1_OVERHEAD;
      if (CardRsaPadding.modulusBytes(pub.getModulus()) < need) {
        throw new InvalidKeyException(
            "key " + key + " is too short for " + algorithmName());
      }
    }
  }

  @Override
  protected int rawLimit(HsmRsaPrivateKey key) {
    return CardRsaPadding.modulusBytes(key.getModulus()) - CardRsaPadding.PKCS1_OVERHEAD;
  }

  @Override
  protected byte[] cardInput(HsmRsaPrivateKey key, byte[] hashOrData) {
    HashAlgorithm hash = hash();
    byte[] data = hash == null ? hashOrData : KeyOperations.digestInfo(hash.jcaName(), hashOrData);
    return CardRsaPadding.pkcs1SignatureBlock((RSAPublicKey) key.publicKey(), data);
  }

  @Override
  protected byte[] signOnCard(SmartCardHsmSession s, HsmRsaPrivateKey key, byte[] block)
      throws IOException, HsmException, SignatureException {
    return s.sign(key.keyReference(), AlgorithmId.RSA_RAW, block);
  }

  static RSAPublicKey publicKey(HsmRsaPrivateKey key) throws InvalidKeyException {
    if (!(key.publicKey() instanceof RSAPublicKey pub)) {
      throw new InvalidKeyException(
          "the card holds no public key for " + key + "; RSA needs its modulus");
    }
    return pub;
  }
}
