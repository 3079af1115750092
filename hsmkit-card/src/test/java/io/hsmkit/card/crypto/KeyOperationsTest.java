package io.hsmkit.card.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;

/** The encodings and input checks of {@link KeyOperations} (docs/protocol.md#sign, docs/protocol.md#decipher). */
class KeyOperationsTest {
  private static final KeyOperations OPS = new KeyOperations(new SecureRandom());

  @Test
  void minimalDer_paddedIntegers_loseTheirRedundantZeros() {
    // r = 1 padded to 3 bytes, s = 0x80 padded to 3 bytes: one 00 stays before the set top bit
    byte[] padded = HexFormat.of().parseHex("300a" + "0203000001" + "0203000080");

    assertThat(HexFormat.of().formatHex(KeyOperations.minimalDer(padded)))
        .isEqualTo("3007" + "020101" + "02020080");
  }

  @Test
  void minimalDer_longFormLengthOfShortBody_becomesShortForm() {
    byte[] longForm = HexFormat.of().parseHex("308106" + "020101" + "020102");

    assertThat(HexFormat.of().formatHex(KeyOperations.minimalDer(longForm)))
        .isEqualTo("3006" + "020101" + "020102");
  }

  @Test
  void minimalDer_seededValuesOfEveryLength_equalBouncyCastlesDer() throws Exception {
    Random random = new Random(12);
    for (int i = 0; i < 3000; i++) {
      BigInteger r = new BigInteger(1 + random.nextInt(528), random).setBit(0);
      BigInteger s = new BigInteger(1 + random.nextInt(528), random).setBit(0);
      byte[] der =
          new DERSequence(new ASN1Encodable[] {new ASN1Integer(r), new ASN1Integer(s)})
              .getEncoded(ASN1Encoding.DER);

      assertThat(KeyOperations.minimalDer(der)).isEqualTo(der);
      assertThat(KeyOperations.minimalDer(padded(r, s, 67))).isEqualTo(der);
    }
  }

  /** {@code SEQUENCE { INTEGER r, INTEGER s }} with both values padded to {@code width} bytes. */
  private static byte[] padded(BigInteger r, BigInteger s, int width) {
    byte[] out = new byte[3 + 2 * (2 + width)];
    out[0] = 0x30;
    out[1] = (byte) 0x81;
    out[2] = (byte) (2 * (2 + width));
    int w = 3;
    for (BigInteger v : new BigInteger[] {r, s}) {
      out[w] = 0x02;
      out[w + 1] = (byte) width;
      byte[] b = BigIntegers.asUnsignedByteArray(width, v);
      System.arraycopy(b, 0, out, w + 2, width);
      w += 2 + width;
    }
    return out;
  }

  @Test
  void minimalDer_malformed_isIllegalState() {
    for (String hex : new String[] {"", "3003020101", "31060201010201020000", "300602010102010200",
        "3006020181020102", "3006020101030102", "30060201010201", "3006020100020102",
        "300702020000020102"}) {
      assertThatThrownBy(() -> KeyOperations.minimalDer(HexFormat.of().parseHex(hex)))
          .as(hex)
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void legacyOpenScDecodes_p521_onlyAtFullLength() {
    // 0.20-0.22 read 138 bytes as a 512-bit signature, 0.23-0.25 read 137 so (commit cc024a33b)
    assertThat(KeyOperations.legacyOpenScDecodes(139, 66)).isTrue();
    assertThat(KeyOperations.legacyOpenScDecodes(138, 66)).isFalse();
    assertThat(KeyOperations.legacyOpenScDecodes(137, 66)).isFalse();
    assertThat(KeyOperations.legacyOpenScDecodes(138, 64)).isFalse();
    assertThat(KeyOperations.legacyOpenScDecodes(137, 64)).isTrue();
    assertThat(KeyOperations.legacyOpenScDecodes(107, 64)).isTrue();
    assertThat(KeyOperations.legacyOpenScDecodes(106, 64)).isFalse();
  }

  @Test
  void legacyOpenScDecodes_bucketsOfTheSmallerCurves() {
    int[][] buckets = {{8, 58, 24}, {59, 66, 28}, {67, 74, 32}, {75, 90, 40}, {91, 106, 48}};
    for (int[] b : buckets) {
      for (int len = 8; len <= 139; len++) {
        boolean inside = len >= b[0] && len <= b[1];
        assertThat(KeyOperations.legacyOpenScDecodes(len, b[2])).as("%d bytes, field %d", len, b[2])
            .isEqualTo(inside);
      }
    }
  }

  @Test
  void ecdsa_p521WithBouncyCastle_seeded_alwaysFullLengthStrictDer() throws Exception {
    SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
    seeded.setSeed(521);
    CryptoProviders bc = CryptoProviders.fallback();
    KeyOperations ops = new KeyOperations(seeded, bc);
    KeyPair kp = new CardCrypto(seeded, bc).generateEc(Curve.SECP521R1);
    PreparedKey key = PreparedKey.of(kp.getPrivate(), bc, seeded);
    byte[] hash = HashAlgorithm.SHA512.digest(new byte[] {1, 2, 3});
    int shortOnes = 0;
    for (int i = 0; i < 300; i++) {
      byte[] raw = key.ecdsaDer(hash);
      if (raw.length < 139) {
        shortOnes++; // what the provider gives before the filter
      }
      byte[] der = ops.ecdsa(key, hash);

      assertThat(der).hasSize(139);
      assertThat(KeyOperations.minimalDer(der)).isEqualTo(der);
    }
    assertThat(shortOnes).as("P-521 signatures shorter than 139 bytes").isBetween(90, 175); // 7 in 16
  }

  @Test
  void ecdh_pointOfWrongLength_isInvalidInput() {
    KeyPair kp = new CardCrypto(new SecureRandom()).generateEc(Curve.SECP256R1);

    assertThatThrownBy(() -> OPS.ecdh(kp.getPrivate(), Curve.SECP256R1, new byte[64]))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void rsaRaw_emptyInput_isInvalidInput() {
    KeyPair kp = new CardCrypto(new SecureRandom()).generateRsa(1024);

    assertThatThrownBy(() -> OPS.rsaRaw(kp.getPrivate(), new byte[0]))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void rsaPkcs1_digestInfoTooLongForKey_isInvalidInput() {
    KeyPair kp = new CardCrypto(new SecureRandom()).generateRsa(1024);

    assertThatThrownBy(() -> OPS.rsaPkcs1(kp.getPrivate(), new byte[128 - 10]))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void leftPad_dropsOnlyLeadingZerosBeyondLength() {
    assertThat(KeyOperations.leftPad(new byte[] {0, 0, 5}, 2)).containsExactly(0, 5);
    assertThat(KeyOperations.leftPad(new byte[] {5}, 3)).containsExactly(0, 0, 5);
    assertThatThrownBy(() -> KeyOperations.leftPad(new byte[] {1, 0, 0}, 2))
        .isInstanceOf(IllegalStateException.class);
  }
}
