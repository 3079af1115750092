package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cipher decrypts what the JDK encrypted; KeyAgreement matches a local ECDH. */
class CipherAndAgreementTest {
  static final BouncyCastleProvider BC = new BouncyCastleProvider();
  static final byte[] SECRET = "Data to encrypt".getBytes(StandardCharsets.US_ASCII);

  static SmartCardHsmProvider provider;
  static KeyStore ks;

  @BeforeAll
  static void keys() throws Exception {
    TestCard card = new TestCard();
    card.generate("rsa:2048", 1, "rsa");
    card.generate("ec:secp256r1", 2, "p256");
    card.generate("ec:secp384r1", 3, "p384");
    card.generate("ec:brainpoolP256r1", 4, "bp256");
    provider = card.provider();
    ks = TestCard.loadedKeyStore(provider);
  }

  static Key key(String alias) throws Exception {
    return ks.getKey(alias, null);
  }

  static PublicKey pub(String alias) throws Exception {
    return ((HsmPrivateKey) key(alias)).publicKey();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "RSA/ECB/PKCS1Padding", "RSA", "RSA/ECB/OAEPPadding", "RSA/ECB/OAEPWithSHA-1AndMGF1Padding",
      "RSA/ECB/OAEPWithSHA-256AndMGF1Padding", "RSA/ECB/OAEPWithSHA-512AndMGF1Padding"})
  void decrypt_recoversWhatTheJdkEncrypted_withItsDefaults(String transformation)
      throws Exception {
    Cipher enc = Cipher.getInstance(transformation, "SunJCE");
    enc.init(Cipher.ENCRYPT_MODE, pub("rsa"));
    byte[] c = enc.doFinal(SECRET);
    Cipher dec = Cipher.getInstance(transformation, provider);
    dec.init(Cipher.DECRYPT_MODE, key("rsa"));
    assertThat(dec.doFinal(c)).isEqualTo(SECRET);
  }

  @Test
  void decrypt_oaepWithExplicitParametersAndLabel() throws Exception {
    OAEPParameterSpec spec = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
        new PSource.PSpecified("label".getBytes(StandardCharsets.US_ASCII)));
    Cipher enc = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
    enc.init(Cipher.ENCRYPT_MODE, pub("rsa"), spec);
    byte[] c = enc.doFinal(SECRET);
    Cipher dec = Cipher.getInstance("RSA/ECB/OAEPPadding", provider);
    dec.init(Cipher.DECRYPT_MODE, key("rsa"), spec);
    assertThat(dec.update(c)).isEmpty();
    assertThat(dec.doFinal()).isEqualTo(SECRET);
    assertThat(dec.getParameters().getParameterSpec(OAEPParameterSpec.class).getDigestAlgorithm())
        .isEqualTo("SHA-256");
    // the same cryptogram with the default parameters does not check out
    dec.init(Cipher.DECRYPT_MODE, key("rsa"));
    assertThatThrownBy(() -> dec.doFinal(c)).isInstanceOf(BadPaddingException.class);
  }

  @Test
  void encryptWithThePublicKey_goesToSoftware_andDecryptsOnTheCard() throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
    c.init(Cipher.ENCRYPT_MODE, pub("rsa"));
    byte[] cryptogram = c.doFinal(SECRET);
    c.init(Cipher.DECRYPT_MODE, key("rsa"));
    assertThat(c.doFinal(cryptogram)).isEqualTo(SECRET);
  }

  @Test
  void unwrap_aesKeyWrappedByTheJdk() throws Exception {
    KeyGenerator g = KeyGenerator.getInstance("AES");
    g.init(256);
    SecretKey aes = g.generateKey();
    Cipher wrap = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding", "SunJCE");
    wrap.init(Cipher.WRAP_MODE, pub("rsa"));
    byte[] wrapped = wrap.wrap(aes);
    Cipher unwrap = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding", provider);
    unwrap.init(Cipher.UNWRAP_MODE, key("rsa"));
    Key back = unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
    assertThat(back.getEncoded()).isEqualTo(aes.getEncoded());
    assertThat(back.getAlgorithm()).isEqualTo("AES");
  }

  @Test
  void wrongPadding_isBadPaddingException() throws Exception {
    Cipher enc = Cipher.getInstance("RSA/ECB/PKCS1Padding", "SunJCE");
    enc.init(Cipher.ENCRYPT_MODE, pub("rsa"));
    byte[] c = enc.doFinal(SECRET);
    Cipher dec = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
    dec.init(Cipher.DECRYPT_MODE, key("rsa"));
    assertThatThrownBy(() -> dec.doFinal(c)).isInstanceOf(BadPaddingException.class);
  }

  @Test
  void cipher_wrongKeys_areInvalidKeyException() throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding", provider);
    assertThatThrownBy(() -> c.init(Cipher.DECRYPT_MODE, key("p256")))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> c.init(Cipher.ENCRYPT_MODE, key("rsa")))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("public key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"p256", "p384", "bp256"})
  void ecdh_matchesLocalAgreement(String alias) throws Exception {
    ECPublicKey cardPub = (ECPublicKey) pub(alias);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
    g.initialize(cardPub.getParams());
    KeyPair bob = g.generateKeyPair();

    KeyAgreement onCard = KeyAgreement.getInstance("ECDH", provider);
    onCard.init(key(alias));
    onCard.doPhase(bob.getPublic(), true);
    byte[] secret = onCard.generateSecret();

    KeyAgreement local = KeyAgreement.getInstance("ECDH", BC);
    local.init(bob.getPrivate());
    local.doPhase(cardPub, true);
    assertThat(secret).isEqualTo(local.generateSecret());

    // the engine is reusable after generateSecret, and hands out keys too
    onCard.doPhase(bob.getPublic(), true);
    assertThat(onCard.generateSecret("AES").getEncoded()).isEqualTo(secret);
  }

  @Test
  void ecdh_withAJdkPeerKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair bob = g.generateKeyPair();
    KeyAgreement onCard = KeyAgreement.getInstance("ECDH", provider);
    onCard.init(key("p384"));
    onCard.doPhase(bob.getPublic(), true);
    KeyAgreement jdk = KeyAgreement.getInstance("ECDH", "SunEC");
    jdk.init(bob.getPrivate());
    jdk.doPhase(pub("p384"), true);
    assertThat(onCard.generateSecret()).isEqualTo(jdk.generateSecret());
  }

  @Test
  void ecdh_peerOnAnotherCurve_isInvalidKeyException() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyAgreement ka = KeyAgreement.getInstance("ECDH", provider);
    ka.init(key("p256"));
    assertThatThrownBy(() -> ka.doPhase(g.generateKeyPair().getPublic(), true))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("another curve");
    assertThatThrownBy(() -> ka.init(key("rsa"))).isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void ecdh_peerPointOffTheCurve_isInvalidKeyException() throws Exception {
    ECPublicKey real = (ECPublicKey) pub("p256");
    ECPublicKey offCurve = new ECPublicKey() {
      @Override
      public java.security.spec.ECPoint getW() {
        return new java.security.spec.ECPoint(real.getW().getAffineX(),
            real.getW().getAffineY().add(java.math.BigInteger.ONE));
      }

      @Override
      public java.security.spec.ECParameterSpec getParams() {
        return real.getParams();
      }

      @Override
      public String getAlgorithm() {
        return "EC";
      }

      @Override
      public String getFormat() {
        return null;
      }

      @Override
      public byte[] getEncoded() {
        return null;
      }
    };
    KeyAgreement ka = KeyAgreement.getInstance("ECDH", provider);
    ka.init(key("p256"));
    assertThatThrownBy(() -> ka.doPhase(offCurve, true))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not on the curve");
  }
}
