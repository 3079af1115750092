package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Checks the card's ECDSA signatures the way their readers see them: strict DER (Bouncy Castle's
 * DER encoding of the parsed value must give back the same bytes), decoded as each OpenSC
 * generation decodes it, and verified with an independent provider as DER (SunEC for the NIST
 * curves, Bouncy Castle for the others, which SunEC lacks).
 */
final class EcdsaSignatures {
  private static final Set<Curve> SUN_EC =
      EnumSet.of(Curve.SECP256R1, Curve.SECP384R1, Curve.SECP521R1);

  /** How OpenSC's sc-hsm driver learns the field length of the signature it decodes. */
  enum OpenScDecoder {
    /** 0.20–0.22: guessed from the DER length, 512-bit bucket up to 138 bytes. */
    V0_20(new int[][] {{58, 24}, {66, 28}, {74, 32}, {90, 40}, {106, 48}, {138, 64}}),
    /** 0.23–0.25: the same guess with the 512-bit bucket up to 137 bytes (commit cc024a33b). */
    V0_23(new int[][] {{58, 24}, {66, 28}, {74, 32}, {90, 40}, {106, 48}, {137, 64}}),
    /** 0.26+: the key size (commit 8b7f7f53b). */
    V0_26(null);

    /** {maximum DER length, field length} rows of {@code sc_hsm_decode_ecdsa_signature()}. */
    private final int[][] buckets;

    OpenScDecoder(int[][] buckets) {
      this.buckets = buckets;
    }

    int fieldBytes(int derLength, Curve curve) {
      if (buckets == null) {
        return curve.fieldBytes();
      }
      for (int[] row : buckets) {
        if (derLength <= row[0]) {
          return row[1];
        }
      }
      return 66;
    }
  }

  private EcdsaSignatures() {}

  /** r and s of a signature, asserting it is strict DER of two positive INTEGERs. */
  static BigInteger[] strictDer(byte[] der) throws IOException {
    ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
    assertThat(seq.size()).isEqualTo(2);
    BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
    BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
    assertThat(r.signum()).isPositive();
    assertThat(s.signum()).isPositive();
    assertThat(seq.getEncoded(ASN1Encoding.DER)).as("strict DER").isEqualTo(der);
    return new BigInteger[] {r, s};
  }

  /**
   * {@code r || s} as {@code decoder}'s OpenSC returns it to a PKCS#11 caller, asserting the field
   * length it picks is the curve's. Follows {@code sc_asn1_decode_ecdsa_signature()}: each INTEGER
   * at most the field length, or one more with a leading 00.
   */
  static byte[] openScPlain(byte[] der, Curve curve, OpenScDecoder decoder) throws IOException {
    BigInteger[] rs = strictDer(der);
    int width = decoder.fieldBytes(der.length, curve);
    assertThat(width).as("field length %s guesses for %d bytes", decoder, der.length)
        .isEqualTo(curve.fieldBytes());
    byte[] out = new byte[2 * width];
    for (int i = 0; i < 2; i++) {
      byte[] v = rs[i].toByteArray(); // minimal two's complement, as in the DER
      int n = v.length;
      int from = 0;
      if (n == width + 1) {
        assertThat(v[0]).isZero();
        from = 1;
        n--;
      }
      assertThat(n).isLessThanOrEqualTo(width);
      System.arraycopy(v, from, out, i * width + width - n, n);
    }
    return out;
  }

  /**
   * Verifies a signature over {@code message} hashed with {@code hash} (e.g. {@code SHA256}): the
   * DER as a DER verifier takes it, and the {@code r || s} each OpenSC generation makes of it.
   */
  static boolean verify(Curve curve, String hash, PublicKey key, byte[] message, byte[] der)
      throws GeneralSecurityException, IOException {
    if (!verifyWith(curve, hash + "withECDSA", key, message, der)) {
      return false;
    }
    for (OpenScDecoder d : OpenScDecoder.values()) {
      byte[] plain = openScPlain(der, curve, d);
      String plainAlg = SUN_EC.contains(curve) ? "withECDSAinP1363Format" : "withPLAIN-ECDSA";
      if (!verifyWith(curve, hash + plainAlg, key, message, plain)) {
        return false;
      }
    }
    return true;
  }

  private static boolean verifyWith(
      Curve curve, String algorithm, PublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature s;
    PublicKey k;
    if (SUN_EC.contains(curve)) {
      s = Signature.getInstance(algorithm, "SunEC");
      k = KeyFactory.getInstance("EC", "SunEC")
          .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    } else {
      s = Signature.getInstance(algorithm, CardCrypto.bouncyCastle());
      k = key;
    }
    s.initVerify(k);
    s.update(message);
    return s.verify(signature);
  }
}
