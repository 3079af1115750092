package io.hsmkit.card.cvc;

import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.crypto.Curve;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.LocalDate;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.util.BigIntegers;

/**
 * Card-verifiable certificate pieces (BSI TR-03110 layout as the SmartCard-HSM uses it,
 * docs/protocol.md#devaut and docs/protocol.md#generate): public key templates, certificate bodies, certificates and
 * authenticated requests. The tags are few and fixed, so the simple TLV writer builds them.
 */
public final class Cvc {
  public static final int TAG_CVC = Tags.Cvc.CVC;
  public static final int TAG_BODY = Tags.Cvc.BODY;
  public static final int TAG_CPI = Tags.Cvc.CPI;
  public static final int TAG_CAR = Tags.Cvc.CAR;
  public static final int TAG_PUBLIC_KEY = Tags.Cvc.PUBLIC_KEY;
  public static final int TAG_CHR = Tags.Cvc.CHR;
  public static final int TAG_CHAT = Tags.Cvc.CHAT;
  public static final int TAG_EFFECTIVE_DATE = Tags.Cvc.EFFECTIVE_DATE;
  public static final int TAG_EXPIRATION_DATE = Tags.Cvc.EXPIRATION_DATE;
  public static final int TAG_SIGNATURE = Tags.Cvc.SIGNATURE;
  public static final int TAG_AUTHENTICATED_REQUEST = Tags.Cvc.AUTHENTICATED_REQUEST;

  private Cvc() {}

  /**
   * The public key template {@code 7F49}: for EC the full domain parameters {@code 81..87} with
   * the point in {@code 86}; for RSA {@code 81} modulus and {@code 82} exponent.
   */
  public static byte[] publicKeyTemplate(PublicKey key, byte[] oid) {
    return new TlvWriter()
        .nest(
            TAG_PUBLIC_KEY,
            w -> {
              w.add(Tags.EcPublicKey.OID, oid);
              if (key instanceof ECPublicKey ec) {
                Curve curve = curveOf(ec);
                w.add(Tags.EcPublicKey.PRIME, curve.primeBytes())
                    .add(Tags.EcPublicKey.A, curve.aBytes())
                    .add(Tags.EcPublicKey.B, curve.bBytes())
                    .add(Tags.EcPublicKey.G, curve.generatorBytes())
                    .add(Tags.EcPublicKey.ORDER, curve.orderBytes())
                    .add(Tags.EcPublicKey.POINT, EC5Util.convertPoint(ec.getParams(), ec.getW()).getEncoded(false))
                    .add(Tags.EcPublicKey.COFACTOR, curve.cofactorBytes());
              } else if (key instanceof RSAPublicKey rsa) {
                w.add(Tags.RsaPublicKey.MODULUS, BigIntegers.asUnsignedByteArray(rsa.getModulus()))
                    .add(Tags.RsaPublicKey.EXPONENT, BigIntegers.asUnsignedByteArray(rsa.getPublicExponent()));
              } else {
                throw new IllegalArgumentException("unsupported key " + key.getAlgorithm());
              }
            })
        .toByteArray();
  }

  /** The curve of an EC public key, matched by prime against OpenSC's table. */
  public static Curve curveOf(ECPublicKey ec) {
    BigInteger p = ((java.security.spec.ECFieldFp) ec.getParams().getCurve().getField()).getP();
    return Curve.byPrime(p.toByteArray())
        .orElseThrow(() -> new IllegalArgumentException("curve not supported by the card"));
  }

  /** Certificate dates are six unpacked BCD digits, YYMMDD. */
  public static byte[] date(LocalDate d) {
    String s = String.format("%02d%02d%02d", d.getYear() % 100, d.getMonthValue(), d.getDayOfMonth());
    byte[] out = new byte[6];
    for (int i = 0; i < 6; i++) {
      out[i] = (byte) (s.charAt(i) - '0');
    }
    return out;
  }

  /** {@code 7F21 { 7F4E body, 5F37 signature }}. */
  public static byte[] certificate(byte[] bodyTlv, byte[] signature) {
    return new TlvWriter()
        .nest(TAG_CVC, w -> w.raw(bodyTlv).add(TAG_SIGNATURE, signature))
        .toByteArray();
  }


  /** The CHR (tag 5F20) of the first CVC in {@code certificates}. */
  public static String chrOf(byte[] certificates) throws io.hsmkit.apdu.TlvException {
    io.hsmkit.apdu.Tlv cvc = io.hsmkit.apdu.Tlv.parseFirst(certificates);
    io.hsmkit.apdu.Tlv body =
        io.hsmkit.apdu.Tlv.find(cvc.children(), TAG_BODY)
            .orElseThrow(() -> new io.hsmkit.apdu.TlvException("CVC without body"));
    io.hsmkit.apdu.Tlv chr =
        io.hsmkit.apdu.Tlv.find(body.children(), TAG_CHR)
            .orElseThrow(() -> new io.hsmkit.apdu.TlvException("CVC without CHR"));
    return new String(chr.value(), java.nio.charset.StandardCharsets.US_ASCII);
  }
}
