package io.hsmkit.jca.spi;

import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.jca.CardLink;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/**
 * RSA keys of the sizes OpenSC registers for the card ({@link KeySpec#RSA_SIZES}: 1024…4096), with
 * public exponent 65537 (the card's only one). Default 2048.
 */
public final class RsaKeyPairGeneratorSpi extends CardKeyPairGeneratorSpi {

  public RsaKeyPairGeneratorSpi(CardLink link) {
    super(link, new KeySpec.Rsa(2048));
  }

  @Override
  protected KeySpec forSize(int keysize) {
    if (!KeySpec.RSA_SIZES.contains(keysize)) {
      throw new InvalidParameterException("RSA key size must be one of " + KeySpec.RSA_SIZES);
    }
    return new KeySpec.Rsa(keysize);
  }

  @Override
  protected KeySpec forParameters(AlgorithmParameterSpec params)
      throws InvalidAlgorithmParameterException {
    if (!(params instanceof RSAKeyGenParameterSpec r)) {
      throw new InvalidAlgorithmParameterException(
          "RSA key generation takes RSAKeyGenParameterSpec or HsmKeyGenParameterSpec");
    }
    if (!RSAKeyGenParameterSpec.F4.equals(r.getPublicExponent())) {
      throw new InvalidAlgorithmParameterException("the card generates RSA keys with e = 65537 only");
    }
    if (!KeySpec.RSA_SIZES.contains(r.getKeysize())) {
      throw new InvalidAlgorithmParameterException(
          "RSA key size must be one of " + KeySpec.RSA_SIZES);
    }
    return new KeySpec.Rsa(r.getKeysize());
  }
}
