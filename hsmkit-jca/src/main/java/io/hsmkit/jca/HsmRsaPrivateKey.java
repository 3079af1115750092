package io.hsmkit.jca;

import io.hsmkit.client.keys.KeyInfo;
import java.math.BigInteger;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;

/** An RSA key on the card; {@link #getModulus()} gives its modulus. */
public final class HsmRsaPrivateKey extends HsmPrivateKey implements RSAKey {
  private static final long serialVersionUID = 1L;

  HsmRsaPrivateKey(CardLink link, KeyInfo info) {
    super(link, info);
  }

  @Override
  public String getAlgorithm() {
    return "RSA";
  }

  /** The modulus, from the public key; null when the public key is unknown. */
  @Override
  public BigInteger getModulus() {
    return publicKey() instanceof RSAPublicKey p ? p.getModulus() : null;
  }

  /** The public exponent, or null when the public key is unknown. */
  public BigInteger getPublicExponent() {
    return publicKey() instanceof RSAPublicKey p ? p.getPublicExponent() : null;
  }
}
