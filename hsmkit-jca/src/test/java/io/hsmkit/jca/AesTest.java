package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.dkek.KeyBlob;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.client.keys.SecretKeyDescription;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code Cipher} AES/CBC/NoPadding, {@code Mac} AESCMAC and the KeyStore's secret key entries on AES
 * keys of the in-JVM card. Known keys reach the card as UNWRAP KEY blobs (type 0F) under a DKEK the
 * test imported, with the secret key description OpenSC-style tools write; the results are the
 * NIST SP 800-38A / 38B vectors and, for other keys and lengths, what the JDK and Bouncy Castle
 * compute with the same key.
 */
class AesTest {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] SO_PIN = HEX.parseHex("3537363231383830");
  /** SP 800-38A F.2.1 / SP 800-38B D.1: AES-128 key, IV, plaintext, CBC ciphertext. */
  static final byte[] NIST_KEY = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
  static final byte[] NIST_IV = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  static final byte[] NIST_PLAIN = HEX.parseHex(
      "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51"
      + "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710");
  static final byte[] NIST_CBC = HEX.parseHex(
      "7649abac8119b246cee98e9b12e9197d" + "5086cb9b507219ee95db113a917678b2"
      + "73bed6b8e3c1743b7116e69e22229516" + "3ff1caa1681fac09120eca307586e1a7");

  final CardOs card =
      CardOs.inMemory(CardEnvironment.system().withKdf(io.hsmkit.card.seal.KdfParams.CHEAP));
  final SmartCardHsmSession setup = new SmartCardHsmSession(card::process);
  final byte[] dkek = new byte[32];
  final Random random = new Random(15);
  SmartCardHsmProvider provider;
  KeyStore ks;

  @BeforeEach
  void setUp() throws Exception {
    setup.initialize(new InitializeRequest(SO_PIN, TestCard.pinBytes(), 1, 3, 1));
    random.nextBytes(dkek);
    setup.importDkekShare(dkek);
    setup.verifyPin(TestCard.pinBytes());
    putKnownKey(1, NIST_KEY, "nist");
    new KeyManager(setup).generate(KeySpec.parse("aes:256"), null, "vault");
    new KeyManager(setup).generate(KeySpec.parse("ec:secp256r1"), new byte[] {0x20}, "ec");
    setup.select();
    provider = new SmartCardHsmProvider(() -> new SmartCardHsmSession(card::process));
    ks = TestCard.loadedKeyStore(provider);
  }

  /** UNWRAP KEY of {@code secret} as an AES blob, then its secret key description in C4. */
  void putKnownKey(int ref, byte[] secret, String label) throws Exception {
    KeyRecord r = new KeyRecord(ref, KeyRecord.KeyType.AES, secret.length * 8, "", secret,
        new byte[0], new byte[0]);
    byte[] blob = KeyBlob.wrapAes(r, secret, dkek, new CardCrypto(new SecureRandom()));
    setup.unwrapKey(ref, blob);
    setup.writeFile(0xC400 | ref, new SecretKeyDescription(label, new byte[] {(byte) ref},
        SecretKeyDescription.DEFAULT_USAGE, secret.length * 8).encode());
  }

  SecretKey aes(String alias) throws Exception {
    return (SecretKey) ks.getKey(alias, null);
  }

  @Test
  void keyStore_listsAesKeysAsSecretKeyEntries_ofCardHandles() throws Exception {
    assertThat(Collections.list(ks.aliases())).containsExactly("nist", "vault", "ec");
    for (String alias : new String[] {"nist", "vault"}) {
      assertThat(ks.isKeyEntry(alias)).isTrue();
      assertThat(ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)).isTrue();
      assertThat(ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)).isFalse();
      assertThat(ks.getCertificate(alias)).isNull();
      KeyStore.Entry e = ks.getEntry(alias, null);
      assertThat(e).isInstanceOf(KeyStore.SecretKeyEntry.class);
      SecretKey k = ((KeyStore.SecretKeyEntry) e).getSecretKey();
      assertThat(k).isInstanceOf(HsmAesKey.class).isEqualTo(aes(alias));
      assertThat(k.getAlgorithm()).isEqualTo("AES");
      assertThat(k.getEncoded()).isNull();
      assertThat(k.getFormat()).isNull();
    }
    HsmAesKey nist = (HsmAesKey) aes("nist");
    assertThat(nist.keyReference()).isEqualTo(1);
    assertThat(nist.sizeBits()).isEqualTo(128);
    assertThat(nist.label()).isEqualTo("nist");
    assertThat(((HsmAesKey) aes("vault")).sizeBits()).isEqualTo(256);
    assertThat(nist.toString()).contains("AES-128", "ref 1", "nist");
    assertThat(ks.entryInstanceOf("ec", KeyStore.PrivateKeyEntry.class)).isTrue();
    assertThat(ks.getKey("ec", null)).isInstanceOf(PrivateKey.class);
    assertThatThrownBy(() -> ks.setKeyEntry("nist", nist, null, null))
        .isInstanceOf(java.security.KeyStoreException.class).hasMessageContaining("AES");

    ks.deleteEntry("vault");
    assertThat(Collections.list(ks.aliases())).containsExactly("nist", "ec");
    assertThat(card.state().key(2)).isNull();
  }

  @Test
  void cbc_matchesSp80038aF21AndF22_inOneCallAndInPieces() throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding", provider);
    c.init(Cipher.ENCRYPT_MODE, aes("nist"), new IvParameterSpec(NIST_IV));
    assertThat(c.doFinal(NIST_PLAIN)).isEqualTo(NIST_CBC);
    // after doFinal the cipher starts again from the IV of init
    byte[] pieces = concat(c.update(NIST_PLAIN, 0, 7), c.update(NIST_PLAIN, 7, 30),
        c.update(NIST_PLAIN, 37, 0), c.doFinal(NIST_PLAIN, 37, 27));
    assertThat(pieces).isEqualTo(NIST_CBC);
    assertThat(c.getIV()).isEqualTo(NIST_IV);

    c.init(Cipher.DECRYPT_MODE, aes("nist"), new IvParameterSpec(NIST_IV));
    assertThat(c.doFinal(NIST_CBC)).isEqualTo(NIST_PLAIN);
    byte[] out = new byte[64];
    int n = c.update(NIST_CBC, 0, 20, out, 0);
    n += c.doFinal(NIST_CBC, 20, 44, out, n);
    assertThat(n).isEqualTo(64);
    assertThat(out).isEqualTo(NIST_PLAIN);
  }

  @ParameterizedTest
  @CsvSource({
    "0, bb1d6929e95937287fa37d129b756746",
    "16, 070a16b46b4d4144f79bdd9dd04a287c",
    "40, dfa66747de9ae63030ca32611497c827",
    "64, 51f0bebf7e3b9d92fc49741779363cfe",
  })
  void cmac_matchesSp80038bD1(int len, String tag) throws Exception {
    Mac mac = Mac.getInstance("AESCMAC", provider);
    mac.init(aes("nist"));
    assertThat(mac.getMacLength()).isEqualTo(16);
    assertThat(mac.doFinal(Arrays.copyOf(NIST_PLAIN, len))).isEqualTo(HEX.parseHex(tag));
    // byte by byte, then again after the implicit reset
    for (int i = 0; i < len; i++) {
      mac.update(NIST_PLAIN[i]);
    }
    assertThat(mac.doFinal()).isEqualTo(HEX.parseHex(tag));
    assertThat(Mac.getInstance("AES-CMAC", provider).getAlgorithm()).isEqualTo("AES-CMAC");
  }

  /** AES-192 and AES-256 keys of known value, any length: the JDK's CBC and BC's CMAC agree. */
  @ParameterizedTest
  @CsvSource({"7, 24", "8, 32"})
  void knownKeys_agreeWithJdkAndBouncyCastle(int ref, int bytes) throws Exception {
    byte[] secret = new byte[bytes];
    random.nextBytes(secret);
    setup.verifyPin(TestCard.pinBytes());
    putKnownKey(ref, secret, "known" + ref);
    setup.select();
    ks = TestCard.loadedKeyStore(provider);
    SecretKey card = aes("known" + ref);
    SecretKeySpec soft = new SecretKeySpec(secret, "AES");
    for (int len : new int[] {16, 1024, 1040, 5000 * 16}) {
      byte[] data = new byte[len];
      random.nextBytes(data);
      byte[] iv = new byte[16];
      random.nextBytes(iv);
      Cipher jdk = Cipher.getInstance("AES/CBC/NoPadding", "SunJCE");
      jdk.init(Cipher.ENCRYPT_MODE, soft, new IvParameterSpec(iv));
      byte[] expected = jdk.doFinal(data);
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding", provider);
      c.init(Cipher.ENCRYPT_MODE, card, new IvParameterSpec(iv));
      assertThat(c.doFinal(data)).as("CBC of " + len).isEqualTo(expected);
      c.init(Cipher.DECRYPT_MODE, card, new IvParameterSpec(iv));
      assertThat(c.doFinal(expected)).as("CBC decrypt of " + len).isEqualTo(data);

      CMac bc = new CMac(AESEngine.newInstance());
      bc.init(new KeyParameter(secret));
      bc.update(data, 0, Math.min(len, 4000));
      byte[] tag = new byte[16];
      bc.doFinal(tag, 0);
      Mac mac = Mac.getInstance("AESCMAC", provider);
      mac.init(card);
      mac.update(data, 0, Math.min(len, 4000));
      assertThat(mac.doFinal()).as("CMAC of " + len).isEqualTo(tag);
    }
  }

  @Test
  void generatedKey_roundTrips_withARandomIv() throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding", provider);
    c.init(Cipher.ENCRYPT_MODE, aes("vault"));
    byte[] iv = c.getIV();
    assertThat(iv).hasSize(16);
    assertThat(c.getParameters().getParameterSpec(IvParameterSpec.class).getIV()).isEqualTo(iv);
    byte[] data = new byte[3 * 1024 + 48];
    random.nextBytes(data);
    byte[] enc = c.doFinal(data);
    assertThat(enc).hasSize(data.length).isNotEqualTo(data);
    c.init(Cipher.DECRYPT_MODE, aes("vault"), c.getParameters());
    assertThat(c.doFinal(enc)).isEqualTo(data);
    // another key, another ciphertext
    c.init(Cipher.ENCRYPT_MODE, aes("nist"), new IvParameterSpec(iv));
    assertThat(c.doFinal(data)).isNotEqualTo(enc);
  }

  @Test
  void misuse_isRefusedWithTheJcaExceptions() throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding", provider);
    Key ec = ks.getKey("ec", null);
    assertThatThrownBy(() -> c.init(Cipher.ENCRYPT_MODE, ec, new IvParameterSpec(NIST_IV)))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("AES key of the card");
    SecretKeySpec soft = new SecretKeySpec(NIST_KEY, "AES");
    assertThatThrownBy(() -> c.init(Cipher.ENCRYPT_MODE, soft, new IvParameterSpec(NIST_IV)))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> c.init(Cipher.DECRYPT_MODE, aes("nist")))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("IV");
    assertThatThrownBy(() -> c.init(Cipher.ENCRYPT_MODE, aes("nist"), new IvParameterSpec(new byte[8])))
        .isInstanceOf(InvalidAlgorithmParameterException.class);
    c.init(Cipher.ENCRYPT_MODE, aes("nist"), new IvParameterSpec(NIST_IV));
    assertThatThrownBy(() -> c.doFinal(new byte[15])).isInstanceOf(IllegalBlockSizeException.class);
    // the failed doFinal reset the cipher: the vectors still come out
    assertThat(c.doFinal(NIST_PLAIN)).isEqualTo(NIST_CBC);
    assertThatThrownBy(() -> Cipher.getInstance("AES/GCM/NoPadding", provider))
        .isInstanceOf(java.security.NoSuchAlgorithmException.class);

    Mac mac = Mac.getInstance("AESCMAC", provider);
    assertThatThrownBy(() -> mac.init(aes("nist"), new IvParameterSpec(NIST_IV)))
        .isInstanceOf(InvalidAlgorithmParameterException.class);
    assertThatThrownBy(() -> mac.init(soft)).isInstanceOf(InvalidKeyException.class);
    mac.init(aes("nist"));
    assertThatThrownBy(() -> mac.update(new byte[70_000])).isInstanceOf(ProviderException.class)
        .hasMessageContaining("65535");
    HsmAesKey destroyed = (HsmAesKey) aes("nist");
    destroyed.destroy();
    assertThatThrownBy(() -> mac.init(destroyed)).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("destroyed");
  }

  @Test
  void withoutLogin_theCardsRefusalIsALoginError() throws Exception {
    KeyStore noPin = KeyStore.getInstance(SmartCardHsmProvider.NAME, provider);
    provider.logout();
    noPin.load(null, null);
    Mac mac = Mac.getInstance("AESCMAC", provider);
    mac.init((SecretKey) noPin.getKey("nist", null));
    assertThatThrownBy(mac::doFinal).isInstanceOf(ProviderException.class)
        .hasCauseInstanceOf(javax.security.auth.login.LoginException.class);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p == null ? 0 : p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      if (p != null) {
        System.arraycopy(p, 0, out, off, p.length);
        off += p.length;
      }
    }
    return out;
  }
}
