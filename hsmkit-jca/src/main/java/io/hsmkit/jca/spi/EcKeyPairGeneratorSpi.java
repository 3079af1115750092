package io.hsmkit.jca.spi;

import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.jca.CardLink;
import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

/**
 * EC keys on the curves of OpenSC's SmartCard-HSM table ({@link KeySpec#CURVES}: NIST P-192…P-521,
 * brainpool P192r1…P512r1, secp192k1, secp256k1), by {@link ECGenParameterSpec} name or alias
 * (prime256v1, P-256), by explicit {@link ECParameterSpec} of one of them, or by size (192, 256,
 * 384, 521: the NIST curve). Default secp256r1.
 */
public final class EcKeyPairGeneratorSpi extends CardKeyPairGeneratorSpi {

  public EcKeyPairGeneratorSpi(CardLink link) {
    super(link, new KeySpec.Ec("secp256r1"));
  }

  @Override
  protected KeySpec forSize(int keysize) {
    return switch (keysize) {
      case 192 -> new KeySpec.Ec("secp192r1");
      case 256 -> new KeySpec.Ec("secp256r1");
      case 384 -> new KeySpec.Ec("secp384r1");
      case 521 -> new KeySpec.Ec("secp521r1");
      default -> throw new InvalidParameterException(
          "EC key size must be 192, 256, 384 or 521; other curves by ECGenParameterSpec: "
              + KeySpec.CURVES);
    };
  }

  @Override
  protected KeySpec forParameters(AlgorithmParameterSpec params)
      throws InvalidAlgorithmParameterException {
    if (params instanceof ECGenParameterSpec g) {
      return KeySpec.curveByName(g.getName())
          .map(c -> (KeySpec) new KeySpec.Ec(c))
          .orElseThrow(() -> new InvalidAlgorithmParameterException(
              "the card has no curve " + g.getName() + "; it has " + KeySpec.CURVES));
    }
    if (params instanceof ECParameterSpec e && e.getCurve().getField() instanceof ECFieldFp f) {
      BigInteger p = f.getP();
      for (String c : KeySpec.CURVES) {
        var x = ECNamedCurveTable.getByName(c);
        if (x.getCurve().getField().getCharacteristic().equals(p) && x.getN().equals(e.getOrder())) {
          return new KeySpec.Ec(c);
        }
      }
      throw new InvalidAlgorithmParameterException("the card has no such curve");
    }
    throw new InvalidAlgorithmParameterException(
        "EC key generation takes ECGenParameterSpec, ECParameterSpec or HsmKeyGenParameterSpec");
  }
}
