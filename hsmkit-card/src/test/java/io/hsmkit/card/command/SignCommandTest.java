package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.crypto.HashAlgorithm;
import io.hsmkit.card.state.CardState;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGN, docs/protocol.md#sign, docs/protocol.md#traps trap 10. Every signature is checked by an independent
 * verifier (the JDK's SunRsaSign / SunEC where they can, Bouncy Castle for curves the JDK lacks).
 */
class SignCommandTest {
  static final int RSA2048 = 1;
  static final int RSA1024 = 2;
  static final int EC_RESTRICTED = 0x30;
  static final byte[] MESSAGE = "hsmkit sign test message".getBytes(StandardCharsets.US_ASCII);

  /** One card for the whole class: keys are made once; SIGN does not change the card state. */
  static KeyTestCard t;

  static int ecId(Curve c) {
    return 0x10 + c.ordinal();
  }

  @BeforeAll
  static void makeKeys() {
    t = KeyTestCard.loggedIn();
    t.generateRsa(RSA2048, 2048);
    t.generateRsa(RSA1024, 1024);
    for (Curve c : Curve.values()) {
      t.generateEc(ecId(c), c);
    }
    byte[] restricted = GenerateAsymmetricKeyPairCommandTest.concat(
        t.openScEcRequest(Curve.SECP256R1),
        new TlvWriter().add(0x91, new byte[] {0x73}).toByteArray());
    t.generate(EC_RESTRICTED, restricted).ok();
  }

  static int modulusBytes(int keyId) {
    return (((RSAPublicKey) t.publicKey(keyId)).getModulus().bitLength() + 7) / 8;
  }

  /** EMSA-PKCS1-v1_5 as OpenSC builds it in software before sending algorithm 20. */
  static byte[] pkcs1Block(byte[] digestInfo, int k) {
    byte[] block = new byte[k];
    block[1] = 0x01;
    Arrays.fill(block, 2, k - digestInfo.length - 1, (byte) 0xFF);
    System.arraycopy(digestInfo, 0, block, k - digestInfo.length, digestInfo.length);
    return block;
  }

  static boolean jdkVerify(String alg, PublicKey key, byte[] sig) throws Exception {
    Signature s = Signature.getInstance(alg); // the JDK's own provider, not Bouncy Castle
    s.initVerify(key);
    s.update(MESSAGE);
    return s.verify(sig);
  }

  static boolean jdkVerifyPss(HashAlgorithm h, PublicKey key, byte[] sig) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(new PSSParameterSpec(
        h.jcaName(), "MGF1", new MGF1ParameterSpec(h.jcaName()), h.length(), 1));
    s.initVerify(key);
    s.update(MESSAGE);
    return s.verify(sig);
  }

  static byte[] sha(String name, byte[] data) throws Exception {
    return MessageDigest.getInstance(name).digest(data);
  }

  // ---- RSA ----

  @Test
  void sign_rsaRawOnOpenScPaddedBlock_verifiesAsSha256WithRsa() throws Exception {
    int k = modulusBytes(RSA2048);
    byte[] block = pkcs1Block(HashAlgorithm.SHA256.digestInfo(sha("SHA-256", MESSAGE)), k);

    byte[] sig = t.sign(RSA2048, 0x20, block).ok().data();

    assertThat(sig).hasSize(k);
    assertThat(jdkVerify("SHA256withRSA", t.publicKey(RSA2048), sig)).isTrue();
  }

  @Test
  void sign_rsaRawWithSmallResult_keepsLeadingZerosToModulusLength() {
    RSAPublicKey pub = (RSAPublicKey) t.publicKey(RSA2048);
    int k = modulusBytes(RSA2048);
    // x = 5^e mod n, so x^d mod n = 5: a result that is 255 zero bytes and 05.
    byte[] x = FixedBytes.of(
        BigInteger.valueOf(5).modPow(pub.getPublicExponent(), pub.getModulus()), k);

    byte[] out = t.sign(RSA2048, 0x20, x).ok().data();

    assertThat(out).hasSize(k);
    assertThat(new BigInteger(1, out)).isEqualTo(BigInteger.valueOf(5));
  }

  @Test
  void sign_rsaRawInputNotBelowModulus_returns6A80() {
    RSAPublicKey pub = (RSAPublicKey) t.publicKey(RSA2048);
    int k = modulusBytes(RSA2048);
    CardState before = t.card.state();

    assertThat(t.sign(RSA2048, 0x20, FixedBytes.of(pub.getModulus(), k)).sw())
        .isEqualTo(0x6A80);
    assertThat(t.sign(RSA2048, 0x20, new byte[k + 1]).sw()).isEqualTo(0x6A80);
    assertThat(t.card.state()).isEqualTo(before);
  }

  @Test
  void sign_rsaPkcs1OnDigestInfo_verifiesAsSha256WithRsa() throws Exception {
    byte[] digestInfo = HashAlgorithm.SHA256.digestInfo(sha("SHA-256", MESSAGE));

    byte[] sig = t.sign(RSA2048, 0x30, digestInfo).ok().data();

    assertThat(jdkVerify("SHA256withRSA", t.publicKey(RSA2048), sig)).isTrue();
  }

  @Test
  void sign_rsaPkcs1OnBareHash_returns6A80() throws Exception {
    assertThat(t.sign(RSA2048, 0x30, sha("SHA-256", MESSAGE)).sw()).isEqualTo(0x6A80);
  }

  @ParameterizedTest
  @CsvSource({"0x31, SHA1withRSA", "0x33, SHA256withRSA"})
  void sign_rsaPkcs1HashedByCard_verifiesOverMessage(String algorithm, String jca)
      throws Exception {
    byte[] sig = t.sign(RSA2048, Integer.decode(algorithm), MESSAGE).ok().data();

    assertThat(sig).hasSize(256);
    assertThat(jdkVerify(jca, t.publicKey(RSA2048), sig)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(HashAlgorithm.class)
  void sign_rsaPssOnBareHash_verifiesWithSameHashMgf1AndSaltLength(HashAlgorithm h)
      throws Exception {
    byte[] sig = t.sign(RSA2048, 0x40, h.digest(MESSAGE)).ok().data();

    assertThat(sig).hasSize(256);
    assertThat(jdkVerifyPss(h, t.publicKey(RSA2048), sig)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = HashAlgorithm.class, names = {"SHA1", "SHA256", "SHA512"})
  void sign_rsaPssOnDigestInfo_takesHashFromDigestInfo(HashAlgorithm h) throws Exception {
    // OpenSC 0.23's CKM_SHAx_RSA_PKCS_PSS path sends a DigestInfo with algorithm 40 (docs/protocol.md#sign).
    byte[] sig = t.sign(RSA2048, 0x40, h.digestInfo(h.digest(MESSAGE))).ok().data();

    assertThat(jdkVerifyPss(h, t.publicKey(RSA2048), sig)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"0x41, SHA1", "0x43, SHA256"})
  void sign_rsaPssHashedByCard_verifiesOverMessage(String algorithm, HashAlgorithm h)
      throws Exception {
    byte[] sig = t.sign(RSA2048, Integer.decode(algorithm), MESSAGE).ok().data();

    assertThat(jdkVerifyPss(h, t.publicKey(RSA2048), sig)).isTrue();
  }

  @Test
  void sign_rsaPssHashOfUnknownLength_returns6A80() {
    assertThat(t.sign(RSA2048, 0x40, new byte[33]).sw()).isEqualTo(0x6A80);
  }

  @Test
  void sign_rsaPssSha512OnRsa1024_returns6A80() throws Exception {
    // emLen 128 < 64 + 64 + 2: PSS with a 64-byte salt does not fit a 1024-bit key.
    assertThat(t.sign(RSA1024, 0x40, sha("SHA-512", MESSAGE)).sw()).isEqualTo(0x6A80);
    assertThat(jdkVerifyPss(HashAlgorithm.SHA256, t.publicKey(RSA1024),
        t.sign(RSA1024, 0x40, sha("SHA-256", MESSAGE)).ok().data())).isTrue();
  }

  // ---- ECDSA ----

  @ParameterizedTest
  @EnumSource(Curve.class)
  void sign_ecdsaOnSha256Hash_everyCurve_verifiesAndDecodesLikeOpenSc(Curve curve)
      throws Exception {
    byte[] sig = t.sign(ecId(curve), 0x70, sha("SHA-256", MESSAGE)).ok().data();

    assertThat(EcdsaSignatures.verify(curve, "SHA256", t.publicKey(ecId(curve)), MESSAGE, sig))
        .isTrue();
  }

  @ParameterizedTest
  @CsvSource({"SECP256R1, SHA512", "SECP192R1, SHA256", "BRAINPOOLP224R1, SHA384"})
  void sign_ecdsaOnHashLongerThanOrder_truncatesAsEcdsaDoes(Curve curve, String hash)
      throws Exception {
    byte[] digest = sha(hash.replace("SHA", "SHA-"), MESSAGE);

    byte[] sig = t.sign(ecId(curve), 0x70, digest).ok().data();

    assertThat(EcdsaSignatures.verify(curve, hash, t.publicKey(ecId(curve)), MESSAGE, sig))
        .isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "0x71, SHA1, SECP256R1", "0x72, SHA224, SECP256R1", "0x73, SHA256, SECP256R1",
    "0x73, SHA256, BRAINPOOLP320R1", "0x71, SHA1, SECP256K1", "0x73, SHA256, SECP521R1"
  })
  void sign_ecdsaHashedByCard_verifiesOverWholeMessage(String algorithm, String hash, Curve c)
      throws Exception {
    byte[] sig = t.sign(ecId(c), Integer.decode(algorithm), MESSAGE).ok().data();

    assertThat(EcdsaSignatures.verify(c, hash, t.publicKey(ecId(c)), MESSAGE, sig)).isTrue();
  }

  @Test
  void sign_ecdsaWithoutHash_returns6A80() {
    byte[] caseTwo = KeyTestCard.extended(0x80, 0x68, ecId(Curve.SECP256R1), 0x70, new byte[0],
        0x0200);

    assertThat(t.send(caseTwo).sw()).isEqualTo(0x6A80);
  }

  @Test
  void sign_ecdsaSha256OfEmptyMessage_signsHashOfNothing() throws Exception {
    Curve c = Curve.SECP256R1;
    byte[] caseTwo = KeyTestCard.extended(0x80, 0x68, ecId(c), 0x73, new byte[0], 0x0200);

    byte[] sig = t.send(caseTwo).ok().data();

    assertThat(EcdsaSignatures.verify(c, "SHA256", t.publicKey(ecId(c)), new byte[0], sig))
        .isTrue();
  }

  // ---- access and algorithm checks ----

  @Test
  void sign_withoutPin_returns6982AndChangesNothing() throws Exception {
    KeyTestCard other = KeyTestCard.loggedIn();
    other.generateEc(1, Curve.SECP256R1);
    other.logout();
    CardState before = other.card.state();

    assertThat(other.sign(1, 0x70, sha("SHA-256", MESSAGE)).sw()).isEqualTo(0x6982);
    assertThat(other.card.state()).isEqualTo(before);
  }

  @Test
  void sign_missingKey_returns6A88() throws Exception {
    assertThat(t.sign(0x99, 0x70, sha("SHA-256", MESSAGE)).sw()).isEqualTo(0x6A88);
  }

  @Test
  void sign_withDeviceKey_returns6985() throws Exception {
    assertThat(t.sign(0, 0x70, sha("SHA-256", MESSAGE)).sw()).isEqualTo(0x6985);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x70, 0x71, 0x73})
  void sign_ecAlgorithmOnRsaKey_returns6985(int algorithm) throws Exception {
    CardState before = t.card.state();

    assertThat(t.sign(RSA2048, algorithm, sha("SHA-256", MESSAGE)).sw()).isEqualTo(0x6985);
    assertThat(t.card.state()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x20, 0x30, 0x33, 0x40, 0x43})
  void sign_rsaAlgorithmOnEcKey_returns6985(int algorithm) throws Exception {
    assertThat(t.sign(ecId(Curve.SECP256R1), algorithm, sha("SHA-256", MESSAGE)).sw())
        .isEqualTo(0x6985);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x21, 0x22, 0x32, 0x36, 0x42, 0x46, 0x76, 0x80, 0x92, 0x98, 0xFF})
  void sign_unknownOrNonSignAlgorithm_returns6A86(int algorithm) throws Exception {
    assertThat(t.sign(ecId(Curve.SECP256R1), algorithm, sha("SHA-256", MESSAGE)).sw())
        .isEqualTo(0x6A86);
  }

  @Test
  void sign_algorithmOutsideKeysAllowList_returns6985ButListedOneWorks() throws Exception {
    assertThat(t.sign(EC_RESTRICTED, 0x70, sha("SHA-256", MESSAGE)).sw()).isEqualTo(0x6985);

    byte[] sig = t.sign(EC_RESTRICTED, 0x73, MESSAGE).ok().data();
    assertThat(EcdsaSignatures.verify(Curve.SECP256R1, "SHA256", t.publicKey(EC_RESTRICTED),
        MESSAGE, sig)).isTrue();
  }
}
