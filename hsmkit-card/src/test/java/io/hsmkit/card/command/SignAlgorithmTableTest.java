package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.crypto.HashAlgorithm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every SIGN / DECIPHER algorithm id of the SmartCard-HSM (docs/protocol-notes-ecdsa.md) on every
 * key size it is used with, each answer checked by a verifier that is not the card's: the JDK's
 * SunRsaSign for RSA (PKCS#1 v1.5 and RSASSA-PSS with MGF1 of the same hash and a salt as long as
 * the hash), SunEC or Bouncy Castle for ECDSA ({@link EcdsaSignatures}), big-integer arithmetic
 * for raw RSA and point arithmetic for ECDH. Ids 34 / 35 / 44 / 45 / 74 / 75 answered 6A86 before.
 */
class SignAlgorithmTableTest {
  static final int[] RSA_BITS = {1024, 2048, 4096};
  static final List<Curve> CURVES =
      List.of(Curve.SECP256R1, Curve.SECP384R1, Curve.SECP521R1, Curve.BRAINPOOLP256R1,
          Curve.SECP256K1, Curve.BRAINPOOLP512R1, Curve.SECP192R1);
  static final byte[] SHORT = "SmartCard-HSM algorithm table".getBytes(StandardCharsets.US_ASCII);
  /** Longer than one short APDU and than OpenSC's 1223-byte max_send_size. */
  static final byte[] LONG = seeded(3000, 7);

  static KeyTestCard t;

  static byte[] seeded(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  static int rsaId(int bits) {
    return switch (bits) {
      case 1024 -> 1;
      case 2048 -> 2;
      default -> 3;
    };
  }

  static int ecId(Curve c) {
    return 0x10 + c.ordinal();
  }

  @BeforeAll
  static void makeKeys() {
    t = KeyTestCard.loggedIn();
    for (int bits : RSA_BITS) {
      t.generateRsa(rsaId(bits), bits);
    }
    for (Curve c : CURVES) {
      t.generateEc(ecId(c), c);
    }
  }

  static HashAlgorithm hashOf(int algorithm) {
    return switch (algorithm & 0x0F) {
      case 1 -> HashAlgorithm.SHA1;
      case 2 -> HashAlgorithm.SHA224;
      case 3 -> HashAlgorithm.SHA256;
      case 4 -> HashAlgorithm.SHA384;
      case 5 -> HashAlgorithm.SHA512;
      default -> throw new IllegalArgumentException("no hash in " + algorithm);
    };
  }

  /** {@code SHA384} for SHA-384: the prefix of the JCA signature names. */
  static String jcaPrefix(HashAlgorithm h) {
    return h.jcaName().replace("-", "");
  }

  static boolean rsaPkcs1Verify(HashAlgorithm h, int bits, byte[] message, byte[] sig)
      throws Exception {
    Signature v = Signature.getInstance(jcaPrefix(h) + "withRSA", "SunRsaSign");
    v.initVerify(t.publicKey(rsaId(bits)));
    v.update(message);
    return v.verify(sig);
  }

  static boolean rsaPssVerify(HashAlgorithm h, int bits, byte[] message, byte[] sig)
      throws Exception {
    Signature v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
    v.setParameter(new PSSParameterSpec(
        h.jcaName(), "MGF1", new MGF1ParameterSpec(h.jcaName()), h.length(), 1));
    v.initVerify(t.publicKey(rsaId(bits)));
    v.update(message);
    return v.verify(sig);
  }

  /** PSS with hash h fits a key when emLen >= 2 * hLen + 2 (RFC 8017 §9.1.1 with sLen = hLen). */
  static boolean pssFits(HashAlgorithm h, int bits) {
    return (bits - 1 + 7) / 8 >= 2 * h.length() + 2;
  }

  // ---- RSA ----

  static Stream<Arguments> rsaHashedByCard(int[] ids) {
    List<Arguments> out = new ArrayList<>();
    for (int id : ids) {
      for (int bits : RSA_BITS) {
        out.add(Arguments.of(id, bits, SHORT));
        out.add(Arguments.of(id, bits, LONG));
      }
    }
    return out.stream();
  }

  static Stream<Arguments> pkcs1HashedByCard() {
    return rsaHashedByCard(new int[] {0x31, 0x33, 0x34, 0x35});
  }

  @ParameterizedTest(name = "{0} on RSA-{1}")
  @MethodSource("pkcs1HashedByCard")
  void rsaPkcs1_cardHashesWholeMessage_verifiesAsShaXWithRsa(int algorithm, int bits, byte[] m)
      throws Exception {
    byte[] sig = t.sign(rsaId(bits), algorithm, m).ok().data();

    assertThat(sig).hasSize(bits / 8);
    assertThat(rsaPkcs1Verify(hashOf(algorithm), bits, m, sig)).isTrue();
  }

  static Stream<Arguments> everyHashOnEveryRsaKey() {
    List<Arguments> out = new ArrayList<>();
    for (HashAlgorithm h : HashAlgorithm.values()) {
      for (int bits : RSA_BITS) {
        out.add(Arguments.of(h, bits));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on RSA-{1}")
  @MethodSource("everyHashOnEveryRsaKey")
  void rsaPkcs1_onDigestInfo_verifiesAsShaXWithRsa(HashAlgorithm h, int bits) throws Exception {
    byte[] sig = t.sign(rsaId(bits), 0x30, h.digestInfo(h.digest(SHORT))).ok().data();

    assertThat(sig).hasSize(bits / 8);
    assertThat(rsaPkcs1Verify(h, bits, SHORT, sig)).isTrue();
  }

  @ParameterizedTest(name = "{0} on RSA-{1}")
  @MethodSource("everyHashOnEveryRsaKey")
  void rsaRaw_onBlockPaddedByHost_isTheDthPowerAndVerifies(HashAlgorithm h, int bits)
      throws Exception {
    RSAPublicKey pub = (RSAPublicKey) t.publicKey(rsaId(bits));
    byte[] block = SignCommandTest.pkcs1Block(h.digestInfo(h.digest(SHORT)), bits / 8);

    byte[] sig = t.sign(rsaId(bits), 0x20, block).ok().data();

    assertThat(sig).hasSize(bits / 8);
    assertThat(new BigInteger(1, sig).modPow(pub.getPublicExponent(), pub.getModulus()))
        .isEqualTo(new BigInteger(1, block));
    assertThat(rsaPkcs1Verify(h, bits, SHORT, sig)).isTrue();
  }

  static Stream<Arguments> pssHashedByCard() {
    return rsaHashedByCard(new int[] {0x41, 0x43, 0x44, 0x45});
  }

  @ParameterizedTest(name = "{0} on RSA-{1}")
  @MethodSource("pssHashedByCard")
  void rsaPss_cardHashesWholeMessage_verifiesWithSaltAndMgf1OfTheHash(
      int algorithm, int bits, byte[] m) throws Exception {
    HashAlgorithm h = hashOf(algorithm);
    KeyTestCard.Reply r = t.sign(rsaId(bits), algorithm, m);

    if (!pssFits(h, bits)) {
      assertThat(r.sw()).as("PSS-SHA-512 does not fit RSA-1024").isEqualTo(0x6A80);
      return;
    }
    byte[] sig = r.ok().data();
    assertThat(sig).hasSize(bits / 8);
    assertThat(rsaPssVerify(h, bits, m, sig)).isTrue();
  }

  @ParameterizedTest(name = "{0} on RSA-{1}")
  @MethodSource("everyHashOnEveryRsaKey")
  void rsaPss_onHashOrDigestInfo_verifiesWithSaltAndMgf1OfTheHash(HashAlgorithm h, int bits)
      throws Exception {
    byte[] hash = h.digest(SHORT);
    for (byte[] input : new byte[][] {hash, h.digestInfo(hash)}) {
      KeyTestCard.Reply r = t.sign(rsaId(bits), 0x40, input);

      if (!pssFits(h, bits)) {
        assertThat(r.sw()).isEqualTo(0x6A80);
        continue;
      }
      assertThat(rsaPssVerify(h, bits, SHORT, r.ok().data())).isTrue();
    }
  }

  @ParameterizedTest(name = "RSA-{0}")
  @ValueSource(ints = {1024, 2048, 4096})
  void rsaDecrypt_isTheRawDthPowerAtModulusLength(int bits) throws Exception {
    RSAPublicKey pub = (RSAPublicKey) t.publicKey(rsaId(bits));
    BigInteger m = new BigInteger(1, seeded(20, bits));
    byte[] c = FixedBytes.of(m.modPow(pub.getPublicExponent(), pub.getModulus()), bits / 8);

    byte[] out = t.decipher(rsaId(bits), 0x21, c).ok().data();

    assertThat(out).hasSize(bits / 8);
    assertThat(new BigInteger(1, out)).isEqualTo(m);
  }

  // ---- EC ----

  static Stream<Arguments> ecdsaOnHash() {
    List<Arguments> out = new ArrayList<>();
    for (Curve c : CURVES) {
      for (HashAlgorithm h : HashAlgorithm.values()) {
        out.add(Arguments.of(c, h));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} hash on {0}")
  @MethodSource("ecdsaOnHash")
  void ecdsa_onHash_strictDerThatVerifiesAndEveryOpenScDecodes(Curve c, HashAlgorithm h)
      throws Exception {
    byte[] sig = t.sign(ecId(c), 0x70, h.digest(SHORT)).ok().data();

    assertThat(EcdsaSignatures.verify(c, jcaPrefix(h), t.publicKey(ecId(c)), SHORT, sig))
        .isTrue();
  }

  static Stream<Arguments> ecdsaHashedByCard() {
    List<Arguments> out = new ArrayList<>();
    for (Curve c : CURVES) {
      for (int id = 0x71; id <= 0x75; id++) {
        out.add(Arguments.of(id, c, SHORT));
        out.add(Arguments.of(id, c, LONG));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("ecdsaHashedByCard")
  void ecdsa_cardHashesWholeMessage_strictDerThatVerifiesAndEveryOpenScDecodes(
      int algorithm, Curve c, byte[] m) throws Exception {
    byte[] sig = t.sign(ecId(c), algorithm, m).ok().data();

    assertThat(EcdsaSignatures.verify(c, jcaPrefix(hashOf(algorithm)), t.publicKey(ecId(c)), m,
        sig)).isTrue();
  }

  /**
   * OpenSC 0.26+ for CKM_ECDSA_SHA384 / SHA512 (commit 8b7f7f53b): {@code 80 68 ref 74|75 00 Lc Lc
   * message 02 00}, always extended (case 4, Le 512), the whole message in one APDU up to
   * max_send_size 1223 and beyond it (sc_check_apdu allows Lc up to 65535 without chaining).
   */
  @ParameterizedTest(name = "{0}-byte message")
  @ValueSource(ints = {1, 255, 256, 1223, 5000, 65535})
  void ecdsaSha384And512_exactOpenSc027Apdu_anyMessageLength(int length) throws Exception {
    byte[] m = seeded(length, length);
    Curve c = Curve.SECP384R1;
    for (int id : new int[] {0x74, 0x75}) {
      byte[] apdu = KeyTestCard.extended(0x80, 0x68, ecId(c), id, m, 0x0200);
      assertThat(Arrays.copyOf(apdu, 7))
          .containsExactly(0x80, 0x68, ecId(c), id, 0, length >> 8, length & 0xFF);

      byte[] sig = t.send(apdu).ok().data();

      assertThat(EcdsaSignatures.verify(c, jcaPrefix(hashOf(id)), t.publicKey(ecId(c)), m, sig))
          .isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("curves")
  void ecdh_answersTheSharedPointThatTheHostComputes(Curve c) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CardCrypto.bouncyCastle());
    g.initialize(new ECGenParameterSpec(c.curveName()));
    KeyPair peer = g.generateKeyPair();
    ECPublicKey peerPub = (ECPublicKey) peer.getPublic();
    byte[] peerPoint = c.x9().getCurve().createPoint(
        peerPub.getW().getAffineX(), peerPub.getW().getAffineY()).getEncoded(false);

    byte[] out = t.decipher(ecId(c), 0x80, peerPoint).ok().data();

    ECPublicKey cardPub = (ECPublicKey) t.publicKey(ecId(c));
    ECPoint q = c.x9().getCurve().createPoint(
        cardPub.getW().getAffineX(), cardPub.getW().getAffineY());
    ECPoint shared = q.multiply(((ECPrivateKey) peer.getPrivate()).getS()).normalize();
    assertThat(out).isEqualTo(shared.getEncoded(false));
  }

  static Stream<Curve> curves() {
    return CURVES.stream();
  }

  // ---- ids of the other key type, unknown ids ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {0x20, 0x30, 0x31, 0x33, 0x34, 0x35, 0x40, 0x41, 0x43, 0x44, 0x45})
  void rsaAlgorithm_onEcKey_returns6985(int algorithm) {
    assertThat(t.sign(ecId(Curve.SECP384R1), algorithm, HashAlgorithm.SHA256.digest(SHORT)).sw())
        .isEqualTo(0x6985);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {0x70, 0x71, 0x72, 0x73, 0x74, 0x75})
  void ecAlgorithm_onRsaKey_returns6985(int algorithm) {
    assertThat(t.sign(rsaId(2048), algorithm, SHORT).sw()).isEqualTo(0x6985);
  }

  @Test
  void everyOtherSignId_returns6A86_onBothKeyTypes() {
    List<Integer> known = List.of(0x20, 0x30, 0x31, 0x33, 0x34, 0x35, 0x40, 0x41, 0x43, 0x44,
        0x45, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75);
    for (int id = 0; id <= 0xFF; id++) {
      if (known.contains(id)) {
        continue;
      }
      for (int key : new int[] {rsaId(2048), ecId(Curve.SECP256R1)}) {
        assertThat(t.sign(key, id, HashAlgorithm.SHA256.digest(SHORT)).sw())
            .as("SIGN with %02X on key %d", id, key).isEqualTo(0x6A86);
      }
    }
  }

  @Test
  void everyOtherDecipherId_returns6A86() {
    for (int id = 0; id <= 0xFF; id++) {
      if (id == 0x21 || id == 0x80) {
        continue;
      }
      assertThat(t.decipher(rsaId(2048), id, new byte[256]).sw())
          .as("DECIPHER with %02X", id).isEqualTo(0x6A86);
    }
  }
}
