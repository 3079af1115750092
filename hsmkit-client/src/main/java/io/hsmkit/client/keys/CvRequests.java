package io.hsmkit.client.keys;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.apdu.TlvWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.util.BigIntegers;

/**
 * The CV request of GENERATE ASYMMETRIC KEY PAIR, built exactly as OpenSC's {@code
 * sc_pkcs15emu_sc_hsm_encode_cvc()} builds it, and the public key read back from the card's
 * authenticated request (docs/protocol.md#generate).
 */
public final class CvRequests {
  /** The CAR OpenSC always sends. */
  public static final String DEFAULT_CAR = "UTCA00001";

  /**
   * Bouncy Castle, touched only when a public key is decoded: building the provider costs ~0.3 s
   * and loading any of its classes makes the JVM verify the signed bcprov jar, which commands such
   * as {@code hsmkit status} (that only read the CHR) should not pay. Hence the declared type
   * {@link Provider} and the EC decoding in a class of its own.
   */
  private static final class Bc {
    static final Provider INSTANCE = new BouncyCastleProvider();

    static PublicKey ecPublicKey(String curve, byte[] point) throws GeneralSecurityException {
      ECNamedCurveParameterSpec spec = ECNamedCurveTable.getParameterSpec(curve);
      return KeyFactory.getInstance("EC", INSTANCE)
          .generatePublic(new ECPublicKeySpec(spec.getCurve().decodePoint(point), spec));
    }
  }

  private CvRequests() {}

  /**
   * The command data of GAKP: the contents of a {@code 7F4E} body with CPI 0, CAR, the public key
   * template of the key to generate, and CHR.
   *
   * @param chr the holder reference, OpenSC uses the token serial + "00001"
   */
  public static byte[] gakpBody(KeySpec spec, String chr) {
    TlvWriter w =
        new TlvWriter()
            .addByte(Tags.Cvc.CPI, 0)
            .add(Tags.Cvc.CAR, DEFAULT_CAR.getBytes(StandardCharsets.US_ASCII));
    w.nest(
        Tags.Cvc.PUBLIC_KEY,
        t -> {
          if (spec instanceof KeySpec.Rsa rsa) {
            t.add(Tags.RsaPublicKey.OID, TaAlgorithm.RSA_V1_5_SHA_256.der())
                .add(Tags.RsaPublicKey.EXPONENT, new byte[] {0x01, 0x00, 0x01})
                .add(Tags.RsaPublicKey.KEY_SIZE, new byte[] {(byte) (rsa.bits() >>> 8), (byte) rsa.bits()});
          } else {
            X9ECParameters p = ((KeySpec.Ec) spec).parameters();
            int len = (p.getCurve().getFieldSize() + 7) / 8;
            t.add(Tags.EcPublicKey.OID, TaAlgorithm.ECDSA_SHA_256.der())
                .add(Tags.EcPublicKey.PRIME, BigIntegers.asUnsignedByteArray(len, p.getCurve().getField().getCharacteristic()))
                .add(Tags.EcPublicKey.A, BigIntegers.asUnsignedByteArray(len, p.getCurve().getA().toBigInteger()))
                .add(Tags.EcPublicKey.B, BigIntegers.asUnsignedByteArray(len, p.getCurve().getB().toBigInteger()))
                .add(Tags.EcPublicKey.G, p.getG().getEncoded(false))
                .add(Tags.EcPublicKey.ORDER, BigIntegers.asUnsignedByteArray(p.getN()))
                .add(Tags.EcPublicKey.COFACTOR, BigIntegers.asUnsignedByteArray(p.getH()));
          }
        });
    return w.add(Tags.Cvc.CHR, chr.getBytes(StandardCharsets.US_ASCII)).toByteArray();
  }

  /**
   * The public key in a CV request ({@code 67 ...}) or CV certificate ({@code 7F21 ...}): EC when
   * the template has a point ({@code 86}), the curve found by its prime ({@code 81}); else RSA.
   */
  public static PublicKey publicKey(byte[] request) throws TlvException {
    Tlv outer = Tlv.parseFirst(request);
    Tlv cvc = outer.tag() == Tags.Cvc.AUTHENTICATED_REQUEST ? child(outer, Tags.Cvc.CVC) : outer;
    Tlv body = child(cvc, Tags.Cvc.BODY);
    List<Tlv> key = child(body, Tags.Cvc.PUBLIC_KEY).children();
    try {
      if (Tlv.find(key, Tags.EcPublicKey.POINT).isPresent()) {
        BigInteger p = new BigInteger(1, Tlv.find(key, Tags.EcPublicKey.PRIME).orElseThrow(() -> new TlvException("no prime")).value());
        String curve = KeySpec.curveByPrime(p).orElseThrow(() -> new TlvException("unknown curve"));
        return Bc.ecPublicKey(curve, Tlv.find(key, Tags.EcPublicKey.POINT).get().value());
      }
      BigInteger n = new BigInteger(1, Tlv.find(key, Tags.RsaPublicKey.MODULUS).orElseThrow(() -> new TlvException("no modulus")).value());
      BigInteger e = new BigInteger(1, Tlv.find(key, Tags.RsaPublicKey.EXPONENT).orElseThrow(() -> new TlvException("no exponent")).value());
      return KeyFactory.getInstance("RSA", Bc.INSTANCE).generatePublic(new RSAPublicKeySpec(n, e));
    } catch (GeneralSecurityException | IllegalArgumentException ex) {
      throw new TlvException("public key in the CV request does not decode: " + ex.getMessage());
    }
  }

  /** The CHR (5F20) of a CV request or certificate. */
  public static String chr(byte[] request) throws TlvException {
    Tlv outer = Tlv.parseFirst(request);
    Tlv cvc = outer.tag() == Tags.Cvc.AUTHENTICATED_REQUEST ? child(outer, Tags.Cvc.CVC) : outer;
    return new String(
        child(child(cvc, Tags.Cvc.BODY), Tags.Cvc.CHR).value(), StandardCharsets.US_ASCII);
  }

  private static Tlv child(Tlv parent, int tag) throws TlvException {
    return Tlv.find(parent.children(), tag)
        .orElseThrow(() -> new TlvException(String.format("missing tag %X", tag)));
  }
}
