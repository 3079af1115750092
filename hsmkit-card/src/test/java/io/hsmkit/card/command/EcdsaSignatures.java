package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the card's ECDSA signatures the way OpenSC 0.23 does and verifies them with an independent
 * provider (SunEC for the NIST curves, Bouncy Castle for the others, which SunEC lacks).
 */
final class EcdsaSignatures {
  private static final Set<Curve> SUN_EC =
      EnumSet.of(Curve.SECP256R1, Curve.SECP384R1, Curve.SECP521R1);

  private EcdsaSignatures() {}

  /**
   * OpenSC's {@code sc_hsm_decode_ecdsa_signature()}: the field length guessed from the DER
   * length (sc-hsm-protocol.md §2.13).
   */
  static int openScFieldBytes(int derLength) {
    if (derLength <= 58) {
      return 24;
    } else if (derLength <= 66) {
      return 28;
    } else if (derLength <= 74) {
      return 32;
    } else if (derLength <= 90) {
      return 40;
    } else if (derLength <= 106) {
      return 48;
    } else if (derLength <= 137) {
      return 64;
    }
    return 66;
  }

  /**
   * Decodes {@code 30 { 02 r, 02 s }} as OpenSC would, asserting each INTEGER is exactly the
   * field length (or one more with a leading 00), and returns {@code r || s} at that width.
   */
  static byte[] toPlain(byte[] der, Curve curve) throws TlvException {
    int width = openScFieldBytes(der.length);
    assertThat(width).as("OpenSC's field-length guess").isEqualTo(curve.fieldBytes());
    Tlv seq = Tlv.parseFirst(der);
    assertThat(seq.tag()).isEqualTo(0x30);
    assertThat(seq.encode()).isEqualTo(der);
    List<Tlv> ints = seq.children();
    assertThat(ints).extracting(Tlv::tag).containsExactly(0x02, 0x02);
    byte[] out = new byte[2 * width];
    for (int i = 0; i < 2; i++) {
      byte[] v = ints.get(i).value();
      if (v.length == width + 1) {
        assertThat(v[0]).isZero();
        assertThat(v[1] & 0x80).isNotZero();
      } else {
        assertThat(v).hasSize(width);
        assertThat(v[0] & 0x80).isZero();
      }
      byte[] fixed = curve.fixed(new BigInteger(1, v));
      System.arraycopy(fixed, 0, out, i * width, width);
    }
    return out;
  }

  /** Verifies a fixed-width DER ECDSA signature over {@code message} hashed with {@code hash}. */
  static boolean verify(Curve curve, String hash, PublicKey key, byte[] message, byte[] der)
      throws GeneralSecurityException, TlvException {
    byte[] plain = toPlain(der, curve);
    Signature s;
    PublicKey k;
    if (SUN_EC.contains(curve)) {
      s = Signature.getInstance(hash + "withECDSAinP1363Format", "SunEC");
      k = KeyFactory.getInstance("EC", "SunEC")
          .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    } else {
      s = Signature.getInstance(hash + "withPLAIN-ECDSA", CardCrypto.bouncyCastle());
      k = key;
    }
    s.initVerify(k);
    s.update(message);
    return s.verify(plain);
  }
}
