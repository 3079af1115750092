package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keys generated on the card through the JCA sign, and show up in the KeyStore. */
class KeyPairGeneratorTest {
  static final byte[] MESSAGE = "Data to sign".getBytes(StandardCharsets.US_ASCII);
  static SmartCardHsmProvider provider;

  @BeforeAll
  static void login() throws Exception {
    provider = new TestCard().provider();
    TestCard.loadedKeyStore(provider);
  }

  @ParameterizedTest
  @CsvSource({"secp256r1,256", "prime256v1,256", "secp384r1,384", "secp521r1,521",
      "brainpoolP256r1,256", "brainpoolP384r1,384", "secp256k1,256", "secp192r1,192"})
  void ec_onTheCardsCurves(String curve, int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
    g.initialize(new ECGenParameterSpec(curve));
    KeyPair kp = g.generateKeyPair();
    assertThat(kp.getPrivate()).isInstanceOf(HsmEcPrivateKey.class);
    ECPublicKey pub = (ECPublicKey) kp.getPublic();
    assertThat(pub.getParams().getCurve().getField().getFieldSize()).isEqualTo(bits);
    assertThat(((HsmEcPrivateKey) kp.getPrivate()).getParams().getOrder())
        .isEqualTo(pub.getParams().getOrder());
    Signature s = Signature.getInstance("SHA256withECDSA", provider);
    s.initSign(kp.getPrivate());
    s.update(MESSAGE);
    Signature v = Signature.getInstance("SHA256withECDSA", new BouncyCastleProvider());
    v.initVerify(pub);
    v.update(MESSAGE);
    assertThat(v.verify(s.sign())).isTrue();
  }

  @Test
  void rsa2048_withLabelAndId_becomesAKeyStoreEntry() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", provider);
    g.initialize(new HsmKeyGenParameterSpec("signer", new byte[] {0x42},
        new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4)));
    KeyPair kp = g.generateKeyPair();
    HsmRsaPrivateKey k = (HsmRsaPrivateKey) kp.getPrivate();
    assertThat(((RSAPublicKey) kp.getPublic()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(k.getModulus()).isEqualTo(((RSAPublicKey) kp.getPublic()).getModulus());
    assertThat(k.label()).isEqualTo("signer");
    assertThat(k.id()).containsExactly(0x42);

    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    ks.load(null, null);
    assertThat(ks.getKey("signer", null)).isEqualTo(k);

    Signature s = Signature.getInstance("SHA256withRSA", provider);
    s.initSign(k);
    s.update(MESSAGE);
    Signature v = Signature.getInstance("SHA256withRSA");
    v.initVerify(kp.getPublic());
    v.update(MESSAGE);
    assertThat(v.verify(s.sign())).isTrue();
  }

  @Test
  void bySize_andDefault() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
    g.initialize(384);
    assertThat(((ECPublicKey) g.generateKeyPair().getPublic()).getParams().getOrder().bitLength())
        .isEqualTo(384);
    KeyPairGenerator d = KeyPairGenerator.getInstance("EC", provider);
    assertThat(((ECPublicKey) d.generateKeyPair().getPublic()).getParams().getOrder().bitLength())
        .isEqualTo(256);
    // an explicit ECParameterSpec of a card curve works too
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC", provider);
    e.initialize(((ECPublicKey) d.generateKeyPair().getPublic()).getParams());
    assertThat(e.generateKeyPair().getPrivate()).isInstanceOf(HsmEcPrivateKey.class);
  }

  @Test
  void whatTheCardCannotMake_isRefusedUpFront() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", provider);
    assertThatThrownBy(() -> ec.initialize(new ECGenParameterSpec("secp224r1")))
        .isInstanceOf(InvalidAlgorithmParameterException.class).hasMessageContaining("no curve");
    assertThatThrownBy(() -> ec.initialize(224)).isInstanceOf(InvalidParameterException.class);
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", provider);
    assertThatThrownBy(() -> rsa.initialize(new RSAKeyGenParameterSpec(2048, BigInteger.valueOf(3))))
        .isInstanceOf(InvalidAlgorithmParameterException.class).hasMessageContaining("65537");
    assertThatThrownBy(() -> rsa.initialize(512)).isInstanceOf(InvalidParameterException.class);
  }
}
