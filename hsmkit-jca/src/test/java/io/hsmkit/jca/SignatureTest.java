package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.client.keys.KeyOperations;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every Signature algorithm signs with a card key; the JDK (or BC for its curves) verifies. */
class SignatureTest {
  static final BouncyCastleProvider BC = new BouncyCastleProvider();
  static final byte[] MESSAGE = "Data to sign, a little longer than one block of anything"
      .getBytes(StandardCharsets.US_ASCII);
  static final String[] HASHES = {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"};

  static SmartCardHsmProvider provider;
  static KeyStore ks;

  @BeforeAll
  static void keys() throws Exception {
    TestCard card = new TestCard();
    card.generate("ec:secp256r1", 1, "p256");
    card.generate("ec:secp384r1", 2, "p384");
    card.generate("ec:secp521r1", 3, "p521");
    card.generate("ec:brainpoolP256r1", 4, "bp256");
    card.generate("ec:secp256k1", 5, "k256");
    card.generate("rsa:2048", 6, "rsa2048");
    provider = card.provider();
    ks = TestCard.loadedKeyStore(provider);
  }

  static PrivateKey key(String alias) throws Exception {
    return TestCard.key(ks, alias);
  }

  static PublicKey pub(String alias) throws Exception {
    return ((HsmPrivateKey) key(alias)).publicKey();
  }

  static byte[] sign(String alg, String alias, byte[] data) throws Exception {
    Signature s = Signature.getInstance(alg, provider);
    s.initSign(key(alias));
    // in pieces, to exercise streaming
    s.update(data, 0, 5);
    s.update(data[5]);
    s.update(data, 6, data.length - 6);
    return s.sign();
  }

  static Stream<Arguments> ecdsa() {
    return Stream.of("p256", "p384", "p521", "bp256", "k256")
        .flatMap(c -> Stream.of(HASHES).map(h -> Arguments.of(h + "withECDSA", c)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("ecdsa")
  void ecdsa_signsOnCard_verifiesInSoftware(String alg, String alias) throws Exception {
    byte[] sig = sign(alg, alias, MESSAGE);
    // NIST curves: the JDK's own SunEC verifies; the others SunEC 17 does not know, BC does.
    boolean nist = alias.startsWith("p");
    Signature v = nist ? Signature.getInstance(alg) : Signature.getInstance(alg, BC);
    v.initVerify(pub(alias));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
    assertMinimalDer(sig);
  }

  @Test
  void ecdsa_p521_alwaysMinimalDer_soStrictVerifiersAccept() throws Exception {
    // Minimal DER from the card, passed on unchanged; 7 in 16 P-521 values have a short r or s.
    for (int i = 0; i < 40; i++) {
      byte[] sig = sign("SHA512withECDSA", "p521", MESSAGE);
      assertMinimalDer(sig);
      Signature v = Signature.getInstance("SHA512withECDSA", "SunEC");
      v.initVerify(pub("p521"));
      v.update(MESSAGE);
      assertThat(v.verify(sig)).isTrue();
    }
  }

  /** BC's ASN1Integer rejects non-minimal integers, so parsing proves minimal DER. */
  static void assertMinimalDer(byte[] sig) throws Exception {
    ASN1Sequence seq = ASN1Sequence.getInstance(sig);
    assertThat(seq.size()).isEqualTo(2);
    ASN1Integer.getInstance(seq.getObjectAt(0));
    ASN1Integer.getInstance(seq.getObjectAt(1));
    assertThat(seq.getEncoded("DER")).isEqualTo(sig);
  }

  @Test
  void noneWithEcdsa_signsAGivenHash() throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
    byte[] sig = sign("NONEwithECDSA", "p256", hash);
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(pub("p256"));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
  }

  @Test
  void noneWithEcdsa_longerThan64Bytes_isSignatureException() throws Exception {
    Signature s = Signature.getInstance("NONEwithECDSA", provider);
    s.initSign(key("p256"));
    s.update(new byte[65]);
    assertThatThrownBy(s::sign).isInstanceOf(SignatureException.class)
        .hasMessageContaining("64 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"})
  void rsaPkcs1_verifiesWithTheJdk(String h) throws Exception {
    String alg = h + "withRSA";
    byte[] sig = sign(alg, "rsa2048", MESSAGE);
    assertThat(sig).hasSize(256);
    Signature v = Signature.getInstance(alg, "SunRsaSign");
    v.initVerify(pub("rsa2048"));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
  }

  @Test
  void noneWithRsa_padsTheDigestInfoLikeTheJdk() throws Exception {
    byte[] digestInfo = KeyOperations.digestInfo("SHA-256",
        MessageDigest.getInstance("SHA-256").digest(MESSAGE));
    byte[] sig = sign("NONEwithRSA", "rsa2048", digestInfo);
    Signature v = Signature.getInstance("SHA256withRSA", "SunRsaSign");
    v.initVerify(pub("rsa2048"));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
    // PKCS#1 v1.5 is deterministic: the JDK's own NONEwithRSA check agrees byte for byte
    Signature jdk = Signature.getInstance("NONEwithRSA");
    jdk.initVerify(pub("rsa2048"));
    jdk.update(digestInfo);
    assertThat(jdk.verify(sig)).isTrue();
  }

  @Test
  void noneWithRsa_tooLong_isSignatureException() throws Exception {
    Signature s = Signature.getInstance("NONEwithRSA", provider);
    s.initSign(key("rsa2048"));
    s.update(new byte[256 - 10]);
    assertThatThrownBy(s::sign).isInstanceOf(SignatureException.class)
        .hasMessageContaining("245 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "NONEwithECDSA", "SHA1withECDSA", "SHA224withECDSA", "SHA256withECDSA", "SHA384withECDSA",
    "SHA512withECDSA", "NONEwithRSA", "SHA1withRSA", "SHA224withRSA", "SHA256withRSA",
    "SHA384withRSA", "SHA512withRSA"})
  void fixedHash_signsAndVerifies_andNamesItselfInMessages(String alg) throws Exception {
    boolean ec = alg.endsWith("ECDSA");
    String alias = ec ? "p256" : "rsa2048";
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
    byte[] data = !alg.startsWith("NONE") ? MESSAGE
        : ec ? hash : KeyOperations.digestInfo("SHA-256", hash);
    byte[] sig = sign(alg, alias, data);

    Signature v = Signature.getInstance(alg, provider);
    v.initVerify(pub(alias));
    v.update(data);
    assertThat(v.verify(sig)).isTrue();
    v.update(MESSAGE, 1, MESSAGE.length - 1);
    assertThat(v.verify(sig)).isFalse();
    assertThatThrownBy(() -> v.setParameter(MGF1ParameterSpec.SHA256))
        .isInstanceOf(InvalidAlgorithmParameterException.class)
        .hasMessage(alg + " takes no parameters");
  }

  static PSSParameterSpec pss(String hash) {
    String jca = hash.replace("SHA", "SHA-");
    int len = switch (hash) {
      case "SHA1" -> 20;
      case "SHA224" -> 28;
      case "SHA256" -> 32;
      case "SHA384" -> 48;
      default -> 64;
    };
    return new PSSParameterSpec(jca, "MGF1", new MGF1ParameterSpec(jca), len, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"})
  void rsassaPss_withParameters_verifiesWithTheJdk(String h) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS", provider);
    s.setParameter(pss(h));
    s.initSign(key("rsa2048"));
    s.update(MESSAGE);
    byte[] sig = s.sign();
    assertThat(s.getParameters().getParameterSpec(PSSParameterSpec.class).getSaltLength())
        .isEqualTo(pss(h).getSaltLength());
    Signature v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
    v.setParameter(pss(h));
    v.initVerify(pub("rsa2048"));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHA256withRSASSA-PSS", "SHA256withRSA/PSS", "SHA256withRSAandMGF1"})
  void pssAliases_haveTheirParametersFixed(String alg) throws Exception {
    byte[] sig = sign(alg, "rsa2048", MESSAGE);
    Signature v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
    v.setParameter(pss("SHA256"));
    v.initVerify(pub("rsa2048"));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
  }

  @Test
  void pss_parametersTheCardCannotHonour_areRefused() throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS", provider);
    assertThatThrownBy(() -> s.setParameter(new PSSParameterSpec("SHA-256", "MGF1",
        MGF1ParameterSpec.SHA256, 20, 1)))
        .isInstanceOf(InvalidAlgorithmParameterException.class).hasMessageContaining("salt");
    assertThatThrownBy(() -> s.setParameter(new PSSParameterSpec("SHA-256", "MGF1",
        MGF1ParameterSpec.SHA1, 32, 1)))
        .isInstanceOf(InvalidAlgorithmParameterException.class).hasMessageContaining("MGF1");
    assertThatThrownBy(() -> s.setParameter(new PSSParameterSpec("SHA3-256", "MGF1",
        new MGF1ParameterSpec("SHA3-256"), 32, 1)))
        .isInstanceOf(InvalidAlgorithmParameterException.class);
    Signature fixed = Signature.getInstance("SHA256withRSA/PSS", provider);
    assertThatThrownBy(() -> fixed.setParameter(pss("SHA384")))
        .isInstanceOf(InvalidAlgorithmParameterException.class);
  }

  @Test
  void pss_withoutParameters_isSignatureException() throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS", provider);
    s.initSign(key("rsa2048"));
    assertThatThrownBy(() -> s.update(MESSAGE)).isInstanceOf(SignatureException.class)
        .hasMessageContaining("Parameters required");
  }

  @Test
  void verification_throughTheProvider_delegatesToSoftware() throws Exception {
    byte[] sig = sign("SHA256withECDSA", "bp256", MESSAGE);
    Signature v = Signature.getInstance("SHA256withECDSA", provider);
    v.initVerify(pub("bp256"));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
    v.initVerify(pub("bp256"));
    v.update("other".getBytes(StandardCharsets.US_ASCII));
    assertThat(v.verify(sig)).isFalse();

    byte[] pssSig = sign("SHA384withRSA/PSS", "rsa2048", MESSAGE);
    Signature pv = Signature.getInstance("SHA384withRSA/PSS", provider);
    pv.initVerify(pub("rsa2048"));
    pv.update(MESSAGE);
    assertThat(pv.verify(pssSig)).isTrue();
  }

  @Test
  void oidAliases_resolve() throws Exception {
    byte[] sig = sign("1.2.840.10045.4.3.2", "p256", MESSAGE);
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(pub("p256"));
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
    assertThat(Signature.getInstance("OID.1.2.840.113549.1.1.11", provider).getAlgorithm())
        .isEqualTo("OID.1.2.840.113549.1.1.11");
  }

  @Test
  void wrongKeys_areInvalidKeyException() throws Exception {
    Signature ecdsa = Signature.getInstance("SHA256withECDSA", provider);
    assertThatThrownBy(() -> ecdsa.initSign(key("rsa2048")))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("EC");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    PrivateKey software = g.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> ecdsa.initSign(software))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("key of the card");
    Signature rsa = Signature.getInstance("SHA256withRSA", provider);
    assertThatThrownBy(() -> rsa.initSign(key("p256"))).isInstanceOf(InvalidKeyException.class);
  }
}
