package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.cvc.Cvc;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.KeyRecord;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GENERATE ASYMMETRIC KEY PAIR, docs/protocol.md#generate, docs/protocol.md#traps trap 8, docs/protocol.md#test-vectors vector 2. */
class GenerateAsymmetricKeyPairCommandTest {

  /** The parts of a {@code 67} authenticated request, checked for OpenSC's exact layout. */
  record Parsed(Tlv cvc, Tlv body, List<Tlv> bodyFields, List<Tlv> template, byte[] innerSig,
      Tlv outerCar, byte[] outerSig) {}

  static Parsed parse(byte[] response) throws TlvException {
    assertThat(Tlv.encodedLength(response)).isEqualTo(response.length);
    Tlv req = Tlv.parseFirst(response);
    assertThat(req.tag()).isEqualTo(Cvc.TAG_AUTHENTICATED_REQUEST);
    List<Tlv> outer = req.children();
    assertThat(outer).extracting(Tlv::tag)
        .containsExactly(Cvc.TAG_CVC, Cvc.TAG_CAR, Cvc.TAG_SIGNATURE);
    List<Tlv> cvc = outer.get(0).children();
    assertThat(cvc).extracting(Tlv::tag).containsExactly(Cvc.TAG_BODY, Cvc.TAG_SIGNATURE);
    List<Tlv> body = cvc.get(0).children();
    assertThat(body).extracting(Tlv::tag)
        .containsExactly(Cvc.TAG_CPI, Cvc.TAG_CAR, Cvc.TAG_PUBLIC_KEY, Cvc.TAG_CHR);
    return new Parsed(outer.get(0), cvc.get(0), body, body.get(2).children(),
        cvc.get(1).value(), outer.get(1), outer.get(2).value());
  }

  static boolean verify(String alg, PublicKey key, byte[] data, byte[] sig)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance(alg, CardCrypto.bouncyCastle());
    s.initVerify(key);
    s.update(data);
    return s.verify(sig);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Checks the outer CAR and that the outer signature verifies with {@code signerKey}. */
  static void assertOuter(Parsed p, String car, PublicKey signerKey, String alg)
      throws GeneralSecurityException {
    assertThat(new String(p.outerCar().value(), StandardCharsets.US_ASCII)).isEqualTo(car);
    byte[] signed = concat(p.cvc().encode(), p.outerCar().encode());
    assertThat(verify(alg, signerKey, signed, p.outerSig())).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Curve.class)
  void generate_openScEcRequestForEveryCurve_returnsVerifiableAuthenticatedRequest(Curve curve)
      throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();

    byte[] response = t.generateEc(1, curve);

    Parsed p = parse(response);
    assertThat(p.bodyFields().get(0).value()).containsExactly(0);
    assertThat(new String(p.bodyFields().get(1).value(), StandardCharsets.US_ASCII))
        .isEqualTo(KeyTestCard.OPENSC_CAR);
    assertThat(new String(p.bodyFields().get(3).value(), StandardCharsets.US_ASCII))
        .isEqualTo(t.openScChr());
    assertThat(p.template()).extracting(Tlv::tag)
        .containsExactly(0x06, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87);
    assertThat(p.template().get(0).value()).isEqualTo(TaAlgorithm.ECDSA_SHA_256.der());
    assertThat(p.template().get(1).value()).isEqualTo(curve.primeBytes());
    byte[] point = p.template().get(6).value();
    assertThat(point).hasSize(1 + 2 * curve.fieldBytes());
    assertThat(curve.decodePoint(point).isValid()).isTrue();

    ECPublicKey stored = (ECPublicKey) t.publicKey(1);
    assertThat(EC5Util.convertPoint(stored.getParams(), stored.getW()).getEncoded(false))
        .isEqualTo(point);
    assertThat(verify("SHA256withPLAIN-ECDSA", stored, p.body().encode(), p.innerSig())).isTrue();
    assertThat(p.innerSig()).hasSize(2 * ((curve.x9().getN().bitLength() + 7) / 8));
    assertOuter(p, t.card.deviceChr(), t.publicKey(0), "SHA256withPLAIN-ECDSA");
    assertThat(p.outerSig()).hasSize(64);

    KeyRecord key = t.key(1);
    assertThat(key.type()).isEqualTo(KeyRecord.KeyType.EC);
    assertThat(key.sizeBits()).isEqualTo(curve.fieldBits());
    assertThat(key.curve()).isEqualTo(curve.curveName());
    assertThat(key.algorithms()).isEmpty();
    assertThat(t.card.state().file(0xCE01)).isEqualTo(response);
  }

  @ParameterizedTest
  @ValueSource(ints = {1024, 1536, 2048})
  void generate_openScRsaRequest_returnsVerifiableAuthenticatedRequest(int bits)
      throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();

    byte[] response = t.generateRsa(3, bits);

    Parsed p = parse(response);
    assertThat(p.template()).extracting(Tlv::tag).containsExactly(0x06, 0x81, 0x82);
    assertThat(p.template().get(0).value()).isEqualTo(TaAlgorithm.RSA_V1_5_SHA_256.der());
    BigInteger n = new BigInteger(1, p.template().get(1).value());
    assertThat(n.bitLength()).isEqualTo(bits);
    assertThat(p.template().get(1).value()).hasSize(bits / 8);
    assertThat(p.template().get(2).value()).containsExactly(1, 0, 1);
    RSAPublicKey stored = (RSAPublicKey) t.publicKey(3);
    assertThat(stored.getModulus()).isEqualTo(n);
    assertThat(verify("SHA256withRSA", stored, p.body().encode(), p.innerSig())).isTrue();
    assertThat(p.innerSig()).hasSize(bits / 8);
    assertThat(new String(p.bodyFields().get(3).value(), StandardCharsets.US_ASCII))
        .isEqualTo(t.openScChr());
    assertOuter(p, t.card.deviceChr(), t.publicKey(0), "SHA256withPLAIN-ECDSA");

    assertThat(t.key(3).type()).isEqualTo(KeyRecord.KeyType.RSA);
    assertThat(t.key(3).sizeBits()).isEqualTo(bits);
    assertThat(t.key(3).curve()).isEmpty();
    assertThat(t.card.state().file(0xCE03)).isEqualTo(response);
  }

  /**
   * CardContact's module leaves the inner CAR out for firmware 2 and later (token-sc-hsm.c
   * encodeGAKP); the real card answers such a request without {@code 42} in the body.
   */
  @Test
  void generate_requestWithoutCar_answersBodyWithoutCar() throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();
    Curve curve = Curve.values()[0];
    byte[] request = new TlvWriter().addByte(Cvc.TAG_CPI, 0)
        .raw(KeyTestCard.ecTemplate(curve, curve.primeBytes(), curve.bBytes()))
        .add(Cvc.TAG_CHR, "UTDUMMY00000").toByteArray();

    byte[] response = t.generate(2, request).ok().data();

    Tlv req = Tlv.parseFirst(response);
    List<Tlv> outer = req.children();
    assertThat(outer).extracting(Tlv::tag)
        .containsExactly(Cvc.TAG_CVC, Cvc.TAG_CAR, Cvc.TAG_SIGNATURE);
    List<Tlv> cvc = outer.get(0).children();
    List<Tlv> body = cvc.get(0).children();
    assertThat(body).extracting(Tlv::tag)
        .containsExactly(Cvc.TAG_CPI, Cvc.TAG_PUBLIC_KEY, Cvc.TAG_CHR);
    assertThat(new String(body.get(2).value(), StandardCharsets.US_ASCII))
        .isEqualTo("UTDUMMY00000");
    assertThat(verify("SHA256withPLAIN-ECDSA", t.publicKey(2), cvc.get(0).encode(),
        cvc.get(1).value())).isTrue();
    byte[] signed = concat(outer.get(0).encode(), outer.get(1).encode());
    assertThat(new String(outer.get(1).value(), StandardCharsets.US_ASCII))
        .isEqualTo(t.card.deviceChr());
    assertThat(verify("SHA256withPLAIN-ECDSA", t.publicKey(0), signed, outer.get(2).value()))
        .isTrue();
    assertThat(t.card.state().file(0xCE02)).isEqualTo(response);
  }

  @Test
  void generate_emptyCar_returns6A80() {
    KeyTestCard t = KeyTestCard.loggedIn();
    Curve curve = Curve.values()[0];
    byte[] request = KeyTestCard.request(
        KeyTestCard.ecTemplate(curve, curve.primeBytes(), curve.bBytes()), "", t.openScChr());
    assertThat(t.generate(1, request).sw()).isEqualTo(0x6A80);
  }

  @Test
  void generate_rsa4096_staysWithinOpenScResponseBuffer() throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();

    byte[] response = t.generateRsa(1, 4096);

    // OpenSC reads the answer into u8 rbuf[1200] and silently truncates longer ones (docs/protocol.md#generate).
    assertThat(response.length).isLessThanOrEqualTo(1200);
    Parsed p = parse(response);
    assertThat(new BigInteger(1, p.template().get(1).value()).bitLength()).isEqualTo(4096);
    assertThat(verify("SHA256withRSA", t.publicKey(1), p.body().encode(), p.innerSig())).isTrue();
    assertOuter(p, t.card.deviceChr(), t.publicKey(0), "SHA256withPLAIN-ECDSA");
  }

  @Test
  void generate_exactOpenScApduBytes_isAccepted() {
    KeyTestCard t = KeyTestCard.loggedIn();
    // 00 46 01 00 00 LcH LcL <7F4E contents> 00 00, byte for byte as in docs/protocol.md#trace-keygen (EC:prime256v1).
    String chr = HexFormat.of().formatHex(t.openScChr().getBytes(StandardCharsets.US_ASCII));
    String data = "5F290100" + "4209" + "555443413030303031"
        + "7F4981DA" + "060A04007F00070202020203"
        + "8120FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"
        + "8220FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC"
        + "83205AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B"
        + "844104" + "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
        + "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5"
        + "8520FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"
        + "870101"
        + "5F20" + String.format("%02X", chr.length() / 2) + chr;
    byte[] bytes = KeyTestCard.hex(data);
    byte[] apdu = KeyTestCard.hex(
        "00460100" + "00" + String.format("%04X", bytes.length) + data + "0000");

    KeyTestCard.Reply r = t.send(apdu);

    assertThat(r.sw()).isEqualTo(0x9000);
    assertThat(r.data()[0]).isEqualTo((byte) 0x67);
    assertThat(t.key(1).curve()).isEqualTo(Curve.SECP256R1.curveName());
  }

  @Test
  void generate_afterGenerate_listsKeyAndRequestInEnumerate() {
    KeyTestCard t = KeyTestCard.loggedIn();
    t.generateEc(1, Curve.SECP256R1);

    byte[] list = t.send(KeyTestCard.hex("80580000000000")).ok().data();

    assertThat(HexFormat.of().withUpperCase().formatHex(list))
        .contains("CC00", "CC01", "CE01");
  }

  @Test
  void generate_idInUse_overwritesKeyAndRequest() throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();
    byte[] first = t.generateEc(1, Curve.SECP256R1);
    KeyRecord before = t.key(1);

    byte[] second = t.generateEc(1, Curve.BRAINPOOLP256R1);

    assertThat(second).isNotEqualTo(first);
    assertThat(t.key(1)).isNotEqualTo(before);
    assertThat(t.key(1).curve()).isEqualTo(Curve.BRAINPOOLP256R1.curveName());
    assertThat(t.card.state().file(0xCE01)).isEqualTo(second);
  }

  @Test
  void generate_signerKeyInP2_outerSignatureByThatKeyNamedByItsChr() throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();
    t.generateEc(1, Curve.SECP256R1);
    byte[] request =
        KeyTestCard.request(
            KeyTestCard.ecTemplate(Curve.SECP384R1, Curve.SECP384R1.primeBytes(),
                Curve.SECP384R1.bBytes()),
            "UTCA00001", t.serial() + "00002");

    byte[] response = t.generate(2, 1, request).ok().data();

    Parsed p = parse(response);
    assertOuter(p, t.openScChr(), t.publicKey(1), "SHA256withPLAIN-ECDSA");
  }

  @Test
  void generate_outerCarTag45_isUsedAsOuterCar() throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();
    byte[] request = concat(t.openScEcRequest(Curve.SECP256R1),
        new TlvWriter().add(0x45, "DEXXOUTER00001").toByteArray());

    Parsed p = parse(t.generate(1, request).ok().data());

    assertOuter(p, "DEXXOUTER00001", t.publicKey(0), "SHA256withPLAIN-ECDSA");
  }

  @Test
  void generate_algorithmListTag91_isStoredAsAllowList() {
    KeyTestCard t = KeyTestCard.loggedIn();
    byte[] request = concat(t.openScEcRequest(Curve.SECP256R1),
        new TlvWriter().add(0x91, new byte[] {0x73, (byte) 0x80}).toByteArray());

    t.generate(1, request).ok();

    assertThat(t.key(1).algorithms()).containsExactly(0x73, 0x80);
  }

  @Test
  void generate_withoutPin_returns6982AndChangesNothing() {
    KeyTestCard t = KeyTestCard.loggedOut();
    CardState before = t.card.state();

    KeyTestCard.Reply r = t.generate(1, t.openScEcRequest(Curve.SECP256R1));

    assertThat(r.sw()).isEqualTo(0x6982);
    assertThat(t.card.state()).isEqualTo(before);
    assertThat(t.key(1)).isNull();
  }

  @Test
  void generate_notInitialized_returns6A88() {
    KeyTestCard t = KeyTestCard.factoryNew();

    assertThat(t.generate(1, t.openScEcRequest(Curve.SECP256R1)).sw()).isEqualTo(0x6A88);
  }

  @Test
  void generate_deviceKeyId_returns6A86AndKeepsDeviceKey() {
    KeyTestCard t = KeyTestCard.loggedIn();
    KeyRecord deviceKey = t.key(0);

    assertThat(t.generate(0, t.openScEcRequest(Curve.SECP256R1)).sw()).isEqualTo(0x6A86);
    assertThat(t.key(0)).isEqualTo(deviceKey);
  }

  @Test
  void generate_missingSignerKey_returns6A88() {
    KeyTestCard t = KeyTestCard.loggedIn();

    assertThat(t.generate(1, 7, t.openScEcRequest(Curve.SECP256R1)).sw()).isEqualTo(0x6A88);
  }

  @Test
  void generate_unknownCurvePrime_returns6A80() {
    KeyTestCard t = KeyTestCard.loggedIn();
    Curve c = Curve.SECP256R1;
    byte[] prime = c.prime().subtract(BigInteger.TWO).toByteArray();
    byte[] request = KeyTestCard.request(
        KeyTestCard.ecTemplate(c, prime, c.bBytes()), "UTCA00001", t.openScChr());

    assertThat(t.generate(1, request).sw()).isEqualTo(0x6A80);
  }

  @Test
  void generate_knownPrimeButOtherCurveEquation_returns6A80() {
    KeyTestCard t = KeyTestCard.loggedIn();
    Curve c = Curve.BRAINPOOLP256R1;
    byte[] otherB = c.x9().getCurve().getB().toBigInteger().add(BigInteger.ONE).toByteArray();
    byte[] request = KeyTestCard.request(
        KeyTestCard.ecTemplate(c, c.primeBytes(), otherB), "UTCA00001", t.openScChr());

    assertThat(t.generate(1, request).sw()).isEqualTo(0x6A80);
    assertThat(t.key(1)).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {512, 1000, 1032, 4352, 8192})
  void generate_unsupportedRsaSize_returns6A80(int bits) {
    KeyTestCard t = KeyTestCard.loggedIn();

    assertThat(t.generate(1, t.openScRsaRequest(bits)).sw()).isEqualTo(0x6A80);
  }

  @Test
  void generate_rsaExponentOtherThan65537_returns6A80() {
    KeyTestCard t = KeyTestCard.loggedIn();
    byte[] request = KeyTestCard.request(
        KeyTestCard.rsaTemplate(2048, new byte[] {3}), "UTCA00001", t.openScChr());

    assertThat(t.generate(1, request).sw()).isEqualTo(0x6A80);
  }

  @Test
  void generate_unknownOid_returns6A80() {
    KeyTestCard t = KeyTestCard.loggedIn();
    byte[] template = new TlvWriter()
        .nest(Cvc.TAG_PUBLIC_KEY, w -> w.add(0x06, KeyTestCard.hex("04007F00070202020205"))
            .add(0x81, Curve.SECP256R1.primeBytes()))
        .toByteArray();

    assertThat(t.generate(1, KeyTestCard.request(template, "UTCA00001", t.openScChr())).sw())
        .isEqualTo(0x6A80);
  }

  @Test
  void generate_missingChr_returns6A80() {
    KeyTestCard t = KeyTestCard.loggedIn();
    byte[] request = new TlvWriter().addByte(Cvc.TAG_CPI, 0).add(Cvc.TAG_CAR, "UTCA00001")
        .raw(KeyTestCard.ecTemplate(Curve.SECP256R1, Curve.SECP256R1.primeBytes(),
            Curve.SECP256R1.bBytes()))
        .toByteArray();

    assertThat(t.generate(1, request).sw()).isEqualTo(0x6A80);
  }

  @Test
  void generate_truncatedTlv_returns6A80AndChangesNothing() {
    KeyTestCard t = KeyTestCard.loggedIn();
    CardState before = t.card.state();
    byte[] request = t.openScEcRequest(Curve.SECP256R1);

    KeyTestCard.Reply r = t.generate(1, Arrays.copyOf(request, request.length - 3));

    assertThat(r.sw()).isEqualTo(0x6A80);
    assertThat(t.card.state()).isEqualTo(before);
  }

  @Test
  void generate_keyDomainTag92_domain0IsAccepted_anEmptySlotAnswers6A88() {
    KeyTestCard t = KeyTestCard.loggedIn();
    byte[] request = concat(t.openScEcRequest(Curve.SECP256R1),
        new TlvWriter().addByte(0x92, 0).toByteArray());
    byte[] other = concat(t.openScEcRequest(Curve.SECP256R1),
        new TlvWriter().addByte(0x92, 1).toByteArray());

    assertThat(t.generate(1, request).sw()).isEqualTo(0x9000);
    assertThat(t.generate(2, other).sw()).isEqualTo(0x6A88); // docs/protocol.md#key-domains
    assertThat(t.key(2)).isNull();
  }
}
