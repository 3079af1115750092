package io.hsmkit.card.cvc;

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
  /** id-TA-ECDSA-SHA-256, 0.4.0.127.0.7.2.2.2.2.3 (DER body). */
  public static final byte[] ID_TA_ECDSA_SHA_256 = {
    0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x03
  };

  /** id-TA-RSA-v1-5-SHA-256, 0.4.0.127.0.7.2.2.2.1.2 (DER body). */
  public static final byte[] ID_TA_RSA_V1_5_SHA_256 = {
    0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x02
  };

  public static final int TAG_CVC = 0x7F21;
  public static final int TAG_BODY = 0x7F4E;
  public static final int TAG_CPI = 0x5F29;
  public static final int TAG_CAR = 0x42;
  public static final int TAG_PUBLIC_KEY = 0x7F49;
  public static final int TAG_CHR = 0x5F20;
  public static final int TAG_CHAT = 0x7F4C;
  public static final int TAG_EFFECTIVE_DATE = 0x5F25;
  public static final int TAG_EXPIRATION_DATE = 0x5F24;
  public static final int TAG_SIGNATURE = 0x5F37;
  public static final int TAG_AUTHENTICATED_REQUEST = 0x67;

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
              w.add(0x06, oid);
              if (key instanceof ECPublicKey ec) {
                Curve curve = curveOf(ec);
                w.add(0x81, curve.primeBytes())
                    .add(0x82, curve.aBytes())
                    .add(0x83, curve.bBytes())
                    .add(0x84, curve.generatorBytes())
                    .add(0x85, curve.orderBytes())
                    .add(0x86, EC5Util.convertPoint(ec.getParams(), ec.getW()).getEncoded(false))
                    .add(0x87, curve.cofactorBytes());
              } else if (key instanceof RSAPublicKey rsa) {
                w.add(0x81, BigIntegers.asUnsignedByteArray(rsa.getModulus()))
                    .add(0x82, BigIntegers.asUnsignedByteArray(rsa.getPublicExponent()));
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
