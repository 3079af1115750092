package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.client.SmartCardHsmSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Collections;
import java.util.Date;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AccountLockedException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The KeyStore view of the card, login, and certificates stored for card keys. */
class KeyStoreTest {
  static final byte[] MESSAGE = "Data to sign".getBytes(StandardCharsets.US_ASCII);

  TestCard card;
  SmartCardHsmProvider provider;

  @BeforeEach
  void setUp() {
    card = new TestCard();
    card.generate("ec:secp256r1", 1, "alpha");
    card.generate("rsa:1024", 2, "bravo");
    card.generate("ec:secp384r1", 0x0A, "");
    card.generate("ec:secp256r1", 4, "alpha");
    provider = card.provider();
  }

  @Test
  void aliases_areLabels_hexIdWithoutOne_andUniqueInKeyReferenceOrder() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    assertThat(Collections.list(ks.aliases())).containsExactly("alpha", "bravo", "0a", "alpha#4");
    assertThat(ks.size()).isEqualTo(4);
    assertThat(ks.containsAlias("bravo")).isTrue();
    assertThat(ks.containsAlias("charlie")).isFalse();
    assertThat(ks.isKeyEntry("alpha")).isTrue();
    assertThat(ks.isCertificateEntry("alpha")).isFalse();
  }

  @Test
  void getKey_givesHandlesThatSizeLikeTheirKeys_withoutMaterial() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    HsmEcPrivateKey ec = (HsmEcPrivateKey) ks.getKey("alpha", null);
    assertThat(ec.getAlgorithm()).isEqualTo("EC");
    assertThat(ec.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    assertThat(ec.getEncoded()).isNull();
    assertThat(ec.getFormat()).isNull();
    assertThat(ec.keyReference()).isEqualTo(1);
    assertThat(ec.id()).containsExactly(1);
    assertThat(ec.label()).isEqualTo("alpha");
    HsmRsaPrivateKey rsa = (HsmRsaPrivateKey) ks.getKey("bravo", null);
    assertThat(rsa.getAlgorithm()).isEqualTo("RSA");
    assertThat(rsa.getModulus().bitLength()).isEqualTo(1024);
    assertThat(ks.getKey("nope", null)).isNull();
    assertThat(rsa.toString()).contains("ref 2", "bravo");
    assertThat(ks.getKey("alpha", null)).isEqualTo(ec);
  }

  @Test
  void keyWithCvRequestOnly_hasNoCertificate_butIsAPrivateKeyEntry() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    assertThat(ks.getCertificate("alpha")).isNull();
    assertThat(ks.getCertificateChain("alpha")).isNull();
    assertThat(ks.getCreationDate("alpha")).isNull();
    assertThat(ks.entryInstanceOf("alpha", KeyStore.PrivateKeyEntry.class)).isTrue();
    assertThat(ks.entryInstanceOf("alpha", KeyStore.SecretKeyEntry.class)).isFalse();
    assertThatThrownBy(() -> ks.getEntry("alpha", null))
        .isInstanceOf(KeyStoreException.class).hasMessageContaining("no X.509 certificate");
  }

  @Test
  void load_wrongPin_isIOException_withUnrecoverableKeyCause_andTriesLeft() throws Exception {
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    assertThatThrownBy(() -> ks.load(null, "000000".toCharArray()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("2 tries left")
        .hasMessageNotContaining("000000")
        .hasCauseInstanceOf(UnrecoverableKeyException.class)
        .cause().hasCauseInstanceOf(FailedLoginException.class);
    // the right PIN still works and resets the counter
    ks.load(null, TestCard.pin());
    assertThat(ks.size()).isEqualTo(4);
  }

  @Test
  void load_thirdWrongPin_isAccountLocked_nowBlocked() throws Exception {
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    assertThatThrownBy(() -> ks.load(null, "000000".toCharArray()))
        .hasMessageContaining("2 tries left");
    assertThatThrownBy(() -> ks.load(null, "000000".toCharArray()))
        .hasMessageContaining("1 try left");
    // the card answers 6983 on the attempt that uses up the last try
    assertThatThrownBy(() -> ks.load(null, "000000".toCharArray()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("now blocked")
        .hasMessageNotContaining("000000")
        .cause().hasCauseInstanceOf(AccountLockedException.class);
    assertThatThrownBy(() -> ks.load(null, TestCard.pin()))
        .hasMessageContaining("is blocked").hasMessageNotContaining("now blocked");
  }

  @Test
  void load_withAStream_isRefused() throws Exception {
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    assertThatThrownBy(() -> ks.load(new ByteArrayInputStream(new byte[0]), TestCard.pin()))
        .isInstanceOf(IOException.class).hasMessageContaining("null stream");
  }

  @Test
  void load_withoutPin_listsKeys_butSigningSaysNotLoggedIn() throws Exception {
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    ks.load(null, null);
    assertThat(ks.size()).isEqualTo(4);
    Signature s = Signature.getInstance("SHA256withECDSA", provider);
    s.initSign((PrivateKey) ks.getKey("alpha", null));
    s.update(MESSAGE);
    assertThatThrownBy(s::sign)
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("not verified")
        .hasCauseInstanceOf(LoginException.class);
  }

  @Test
  void login_throughACallbackHandler() throws Exception {
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    ks.load(new KeyStore.LoadStoreParameter() {
      @Override
      public KeyStore.ProtectionParameter getProtectionParameter() {
        return new KeyStore.CallbackHandlerProtection(callbacks -> {
          PasswordCallback pc = (PasswordCallback) callbacks[0];
          assertThat(pc.getPrompt()).startsWith("PIN for ");
          pc.setPassword(TestCard.pin());
        });
      }
    });
    assertThat(signAndVerify(ks, "alpha")).isTrue();
  }

  @Test
  void authProviderLogin_logout_andTheDefaultCallbackHandler() throws Exception {
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    ks.load(null, null);
    provider.login(null, callbacks -> ((PasswordCallback) callbacks[0]).setPassword(TestCard.pin()));
    assertThat(signAndVerify(ks, "alpha")).isTrue();
    provider.logout();
    assertThatThrownBy(() -> signAndVerify(ks, "alpha")).isInstanceOf(ProviderException.class);
    // with a handler set, the card's "PIN required" answer makes the provider ask, once
    int[] asked = {0};
    provider.setCallbackHandler(callbacks -> {
      asked[0]++;
      ((PasswordCallback) callbacks[0]).setPassword(TestCard.pin());
    });
    assertThat(signAndVerify(ks, "alpha")).isTrue();
    assertThat(signAndVerify(ks, "alpha")).isTrue();
    assertThat(asked[0]).isEqualTo(1);
  }

  @Test
  void login_wrongPinThroughTheHandler_isFailedLoginException() {
    assertThatThrownBy(() -> provider.login(null,
            cb -> ((PasswordCallback) cb[0]).setPassword("111111".toCharArray())))
        .isInstanceOf(FailedLoginException.class).hasMessageContaining("tries left");
    assertThatThrownBy(() -> provider.login(null, null))
        .isInstanceOf(LoginException.class).hasMessageContaining("CallbackHandler");
  }

  @Test
  void setKeyEntry_storesTheCertificateInCExx_forTheCardKey() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    PrivateKey key = (PrivateKey) ks.getKey("alpha", null);
    PublicKey pub = ((HsmPrivateKey) key).publicKey();
    // BC PKIX builds the certificate, our provider signs it on the card
    X509Certificate cert = selfSigned("CN=alpha", key, pub, "SHA256withECDSA");
    cert.verify(pub);

    ks.setKeyEntry("alpha", key, null, new X509Certificate[] {cert});
    assertThat(ks.getCertificate("alpha")).isEqualTo(cert);
    assertThat(ks.getCertificateChain("alpha")).containsExactly(cert);
    assertThat(ks.getCertificateAlias(cert)).isEqualTo("alpha");
    assertThat(ks.getCreationDate("alpha")).isEqualTo(cert.getNotBefore());
    KeyStore.PrivateKeyEntry e = (KeyStore.PrivateKeyEntry) ks.getEntry("alpha", null);
    assertThat(e.getCertificate()).isEqualTo(cert);

    // on the card, in CE01, as DER; seen by a fresh key store and another session
    KeyStore again = TestCard.loadedKeyStore(card.provider());
    assertThat(again.getCertificate("alpha")).isEqualTo(cert);
    SmartCardHsmSession s = new SmartCardHsmSession(card.card::process);
    assertThat(s.readFile(0xCE01)).contains(cert.getEncoded());
  }

  @Test
  void setKeyEntry_certificateOfAnotherKey_orASoftwareKey_isRefused() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    PrivateKey bravo = (PrivateKey) ks.getKey("bravo", null);
    X509Certificate bravoCert =
        selfSigned("CN=bravo", bravo, ((HsmPrivateKey) bravo).publicKey(), "SHA256withRSA");
    PrivateKey alpha = (PrivateKey) ks.getKey("alpha", null);
    assertThatThrownBy(() -> ks.setKeyEntry("alpha", alpha, null, new X509Certificate[] {bravoCert}))
        .isInstanceOf(KeyStoreException.class).hasMessageContaining("not the public key");
    assertThatThrownBy(() -> ks.setKeyEntry("bravo", alpha, null, new X509Certificate[] {bravoCert}))
        .isInstanceOf(KeyStoreException.class).hasMessageContaining("does not name");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    PrivateKey software = g.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> ks.setKeyEntry("x", software, null, new X509Certificate[] {bravoCert}))
        .isInstanceOf(KeyStoreException.class).hasMessageContaining("not imported");
  }

  @Test
  void setCertificateEntry_findsTheKeyByItsPublicKey() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    PrivateKey bravo = (PrivateKey) ks.getKey("bravo", null);
    X509Certificate cert =
        selfSigned("CN=bravo", bravo, ((HsmPrivateKey) bravo).publicKey(), "SHA256withRSA");
    ks.setCertificateEntry("some-other-name", cert);
    assertThat(ks.getCertificate("bravo")).isEqualTo(cert);
    assertThat(ks.containsAlias("some-other-name")).isFalse();

    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    var software = g.generateKeyPair();
    X509Certificate foreign = selfSigned("CN=x", software.getPrivate(), software.getPublic(), "SHA256withECDSA");
    assertThatThrownBy(() -> ks.setCertificateEntry("x", foreign))
        .isInstanceOf(KeyStoreException.class).hasMessageContaining("no key on the card");
  }

  @Test
  void deleteEntry_removesKeyDescriptionAndCertificate() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    ks.deleteEntry("bravo");
    assertThat(Collections.list(ks.aliases())).containsExactly("alpha", "0a", "alpha#4");
    SmartCardHsmSession s = new SmartCardHsmSession(card.card::process);
    assertThat(s.enumerate()).doesNotContain(0xCC02, 0xC402, 0xCE02);
  }

  @Test
  void keysGeneratedThroughTheProvider_appearInALoadedKeyStore() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
    g.initialize(new HsmKeyGenParameterSpec("charlie", new byte[] {9}, new ECGenParameterSpec("P-256")));
    g.generateKeyPair();
    assertThat(Collections.list(ks.aliases())).contains("charlie");
  }

  @Test
  void handles_ofAnotherProvider_destroyed_orSerialized_areRefused() throws Exception {
    KeyStore ks = TestCard.loadedKeyStore(provider);
    PrivateKey alpha = (PrivateKey) ks.getKey("alpha", null);
    Signature other = Signature.getInstance("SHA256withECDSA", card.provider());
    assertThatThrownBy(() -> other.initSign(alpha))
        .isInstanceOf(java.security.InvalidKeyException.class)
        .hasMessageContaining("another SmartCardHSM provider");
    ((HsmPrivateKey) alpha).destroy();
    assertThat(((HsmPrivateKey) alpha).isDestroyed()).isTrue();
    Signature s = Signature.getInstance("SHA256withECDSA", provider);
    assertThatThrownBy(() -> s.initSign(alpha))
        .isInstanceOf(java.security.InvalidKeyException.class).hasMessageContaining("destroyed");
    assertThat(ks.getKey("alpha", null)).isNotNull(); // the key on the card is untouched
    assertThatThrownBy(() -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(alpha))
        .isInstanceOf(NotSerializableException.class);
  }

  static boolean signAndVerify(KeyStore ks, String alias) throws Exception {
    HsmPrivateKey k = (HsmPrivateKey) ks.getKey(alias, null);
    Signature s = Signature.getInstance("SHA256withECDSA", ks.getProvider());
    s.initSign(k);
    s.update(MESSAGE);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(k.publicKey());
    v.update(MESSAGE);
    return v.verify(sig);
  }

  X509Certificate selfSigned(String dn, PrivateKey key, PublicKey pub, String alg)
      throws Exception {
    Date now = new Date();
    var b = new JcaX509v3CertificateBuilder(new X500Name(dn), BigInteger.valueOf(now.getTime()),
        new Date(now.getTime() - 60_000), new Date(now.getTime() + 86_400_000L), new X500Name(dn), pub);
    var signer = new JcaContentSignerBuilder(alg);
    if (key instanceof HsmPrivateKey) {
      signer.setProvider(provider);
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(signer.build(key)));
  }
}
