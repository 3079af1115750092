package io.hsmkit.card.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.apdu.Tlv;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import io.hsmkit.proptest.Gen;
import io.hsmkit.proptest.Property;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

/** The encodings and input checks of {@link KeyOperations} (sc-hsm-protocol.md §2.13, §2.14). */
class KeyOperationsTest {
  private static final KeyOperations OPS = new KeyOperations(new SecureRandom());
  /** p - 1 for P-521 (2^521 - 2): r and s of P-521 signatures are below it. */
  private static final String P521_MAX =
      "6864797660130609714981900799081393217269435300143305"
          + "4093944634591855431833976560521225596406614545549772"
          + "96311391480858037121987999716643812574028291115057150";

  @Test
  void ecdsaSignature_smallValues_areLeftPaddedToWidth() {
    byte[] der = KeyOperations.ecdsaSignature(BigInteger.ONE, BigInteger.TWO, 4);

    assertThat(HexFormat.of().formatHex(der)).isEqualTo("300c" + "020400000001" + "020400000002");
  }

  @Test
  void ecdsaSignature_topBitSet_getsOneLeadingZero() {
    byte[] der = KeyOperations.ecdsaSignature(
        new BigInteger("80000001", 16), new BigInteger("7fffffff", 16), 4);

    assertThat(HexFormat.of().formatHex(der))
        .isEqualTo("300d" + "02050080000001" + "02047fffffff");
  }

  @Test
  void ecdsaSignature_anyP521Values_haveFixedWidthAndDecodeBack() {
    Property.forAll(
        300,
        gen -> {
          BigInteger r = p521Value(gen);
          BigInteger s = p521Value(gen);
          byte[] der = KeyOperations.ecdsaSignature(r, s, 66);

          List<Tlv> ints = Tlv.parseFirst(der).children();
          assertThat(ints).extracting(Tlv::length).containsOnly(66);
          assertThat(new BigInteger(1, ints.get(0).value())).isEqualTo(r);
          assertThat(new BigInteger(1, ints.get(1).value())).isEqualTo(s);
          assertThat(der.length).isEqualTo(3 + 2 * 68); // 30 81 88: above OpenSC's 137 bucket
        });
  }

  @Test
  void fixedWidth_ofProviderDer_equalsEcdsaSignature() {
    Property.forAll(
        500,
        gen -> {
          int width = gen.oneOfInts(24, 28, 32, 40, 48, 64, 66);
          BigInteger limit = BigInteger.ONE.shiftLeft(8 * width);
          BigInteger rr = p521Value(gen).mod(limit).max(BigInteger.ONE);
          BigInteger ss = p521Value(gen).mod(limit).max(BigInteger.ONE);
          byte[] minimal =
              new DERSequence(new ASN1Encodable[] {new ASN1Integer(rr), new ASN1Integer(ss)})
                  .getEncoded();

          assertThat(KeyOperations.fixedWidth(minimal, width))
              .isEqualTo(KeyOperations.ecdsaSignature(rr, ss, width));
        });
  }

  private static BigInteger p521Value(Gen gen) {
    return gen.between(BigInteger.ONE, new BigInteger(P521_MAX));
  }

  @Test
  void fixedWidth_smallIntegers_andPaddedInput() {
    byte[] der = HexFormat.of().parseHex("3006" + "020101" + "020102");
    assertThat(HexFormat.of().formatHex(KeyOperations.fixedWidth(der, 4)))
        .isEqualTo("300c" + "020400000001" + "020400000002");
    // non-minimal input (leading zero bytes) is accepted and normalised
    byte[] padded = HexFormat.of().parseHex("300a" + "0203000001" + "0203000002");
    assertThat(HexFormat.of().formatHex(KeyOperations.fixedWidth(padded, 2)))
        .isEqualTo("3008" + "02020001" + "02020002");
  }

  @Test
  void fixedWidth_malformed_isIllegalState() {
    for (String hex : new String[] {"", "3003020101", "31060201010201020000", "300602010102010200",
        "3006020181020102", "3006020101030102", "30060201010201"}) {
      assertThatThrownBy(() -> KeyOperations.fixedWidth(HexFormat.of().parseHex(hex), 4))
          .as(hex)
          .isInstanceOf(IllegalStateException.class);
    }
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
