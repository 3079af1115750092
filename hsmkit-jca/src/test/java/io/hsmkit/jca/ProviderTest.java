package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Collections;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider as JCA users meet it: lookups, token SPECs, registration. */
class ProviderTest {
  static final byte[] MESSAGE = "Data to sign".getBytes(StandardCharsets.US_ASCII);

  @Test
  void keyFromTheKeyStore_signsThroughSignatureGetInstance() throws Exception {
    TestCard card = new TestCard();
    card.generate("ec:secp256r1", 1, "my-key");
    Provider provider = card.provider();

    KeyStore ks = KeyStore.getInstance("SmartCardHSM", provider);
    ks.load(null, TestCard.pin());
    PrivateKey key = (PrivateKey) ks.getKey("my-key", null);
    Signature s = Signature.getInstance("SHA256withECDSA", provider);
    s.initSign(key);
    s.update(MESSAGE);
    byte[] sig = s.sign();

    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(((HsmPrivateKey) key).publicKey());
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
    assertThat(provider.getName()).isEqualTo("SmartCardHSM");
    assertThat(provider.getService("KeyStore", "SmartCardHSM")).isNotNull();
    assertThat(provider.getService("Cipher", "RSA/ECB/OAEPWithSHA-256AndMGF1Padding")).isNotNull();
    assertThat(provider.getService("KeyAgreement", "ECDH")).isNotNull();
  }

  /**
   * Installed globally, the provider is found by name, and delayed provider selection sends card
   * keys to it and software keys elsewhere ({@code supportsParameter}). Restores the global list.
   */
  @Test
  void installed_delayedProviderSelection_routesByKey() throws Exception {
    TestCard card = new TestCard();
    card.generate("ec:secp256r1", 1, "k");
    card.generate("rsa:1024", 2, "r");
    SmartCardHsmProvider provider = card.provider();
    KeyStore ks = TestCard.loadedKeyStore(provider);
    Security.insertProviderAt(provider, 1);
    try {
      KeyStore byName = KeyStore.getInstance("SmartCardHSM");
      byName.load(null, null);
      assertThat(Collections.list(byName.aliases())).containsExactly("k", "r");

      Signature cardSig = Signature.getInstance("SHA256withECDSA");
      cardSig.initSign((PrivateKey) ks.getKey("k", null));
      assertThat(cardSig.getProvider()).isSameAs(provider);
      cardSig.update(MESSAGE);
      assertThat(cardSig.sign()).isNotEmpty();

      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      var software = g.generateKeyPair();
      Signature softSig = Signature.getInstance("SHA256withECDSA");
      softSig.initSign(software.getPrivate());
      assertThat(softSig.getProvider().getName()).isNotEqualTo("SmartCardHSM");
      Signature softVerify = Signature.getInstance("SHA256withECDSA");
      softVerify.initVerify(software.getPublic());
      assertThat(softVerify.getProvider().getName()).isNotEqualTo("SmartCardHSM");

      Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      c.init(Cipher.DECRYPT_MODE, ks.getKey("r", null));
      assertThat(c.getProvider()).isSameAs(provider);
    } finally {
      Security.removeProvider("SmartCardHSM");
    }
  }

  /** Prepares an emulated token in {@code dir} the way the CLI would, then releases it. */
  static void prepareToken(Path dir, String label) throws Exception {
    try (Token t = Token.open(TokenSpec.parse("emulated:" + dir))) {
      var s = t.session();
      s.select();
      s.initialize(new InitializeRequest(TestCard.SO_PIN, TestCard.pinBytes(), 1, 3, null));
      s.verifyPin(TestCard.pinBytes());
      new KeyManager(s).generate(KeySpec.parse("ec:secp256r1"), new byte[] {1}, label);
    }
  }

  @Test
  void emulatedTokenSpec_opensLazily_keepsTheToken_andCloseReleasesIt(@TempDir Path dir)
      throws Exception {
    prepareToken(dir, "on-disk");
    SmartCardHsmProvider p = new SmartCardHsmProvider("emulated:" + dir);
    assertThat(p.hasExplicitToken()).isTrue();
    // nothing opened yet: the CLI could still use the directory
    Token.open(TokenSpec.parse("emulated:" + dir)).close();

    KeyStore ks = TestCard.loadedKeyStore(p);
    assertThat(Collections.list(ks.aliases())).containsExactly("on-disk");
    Signature s = Signature.getInstance("SHA384withECDSA", p);
    s.initSign((PrivateKey) ks.getKey("on-disk", null));
    s.update(MESSAGE);
    s.sign();
    // kept open: the state directory is locked by this provider
    assertThatThrownBy(() -> Token.open(TokenSpec.parse("emulated:" + dir)))
        .isInstanceOf(Exception.class);
    p.close();
    Token.open(TokenSpec.parse("emulated:" + dir)).close();
    // and reopened on the next use (logged out: a new session)
    assertThat(KeyStore.getInstance("SmartCardHSM", p)).satisfies(k -> {
      k.load(null, null);
      assertThat(k.size()).isEqualTo(1);
    });
    p.close();
  }

  @Test
  void configure_isHowKeytoolPassesTheSpec(@TempDir Path dir) throws Exception {
    prepareToken(dir, "cfg");
    SmartCardHsmProvider unconfigured = new SmartCardHsmProvider();
    assertThat(unconfigured.isConfigured()).isTrue();
    assertThat(unconfigured.hasExplicitToken()).isFalse();
    Provider p = unconfigured.configure("emulated:" + dir);
    assertThat(p).isInstanceOf(SmartCardHsmProvider.class).isNotSameAs(unconfigured);
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", p);
    ks.load(null, TestCard.pin());
    assertThat(Collections.list(ks.aliases())).containsExactly("cfg");
    Certificate[] none = ks.getCertificateChain("cfg");
    assertThat(none).isNull();
    ((SmartCardHsmProvider) p).close();

    assertThatThrownBy(() -> unconfigured.configure("floppy:/dev/fd0"))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("emulated:DIR");
  }

  @Test
  void unreachableToken_isAnIOExceptionAtLoad(@TempDir Path dir) throws Exception {
    Path notADirectory = java.nio.file.Files.writeString(dir.resolve("file"), "x");
    SmartCardHsmProvider p = new SmartCardHsmProvider("emulated:" + notADirectory);
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", p);
    assertThatThrownBy(() -> ks.load(null, null)).isInstanceOf(java.io.IOException.class);
  }
}
