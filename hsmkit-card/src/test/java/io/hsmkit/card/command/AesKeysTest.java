package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.CardOs;
import io.hsmkit.card.TestCard;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.card.state.MemoryStateStore;
import io.hsmkit.card.state.TestStates;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GENERATE SYMMETRIC KEY and CIPHER, docs/protocol.md#generate-symmetric, #cipher. */
class AesKeysTest {
  static final HexFormat HEX = HexFormat.of();
  /** NIST SP 800-38A F.2.1 / SP 800-38B D.1: the AES-128 key, IV and the four plaintext blocks. */
  static final byte[] NIST_KEY = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
  static final byte[] NIST_IV = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  static final byte[] NIST_PLAIN = HEX.parseHex(
      "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51"
      + "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710");
  static final byte[] NIST_CBC = HEX.parseHex(
      "7649abac8119b246cee98e9b12e9197d" + "5086cb9b507219ee95db113a917678b2"
      + "73bed6b8e3c1743b7116e69e22229516" + "3ff1caa1681fac09120eca307586e1a7");

  static byte[] cipher(int p2, int keyId, byte[] data) {
    return KeyTestCard.extended(0x80, 0x78, keyId, p2, data, 0);
  }

  static KeyTestCard.Reply generate(KeyTestCard t, int keyId, int p2, String dataHex) {
    byte[] data = HEX.parseHex(dataHex);
    return t.send(KeyTestCard.extended(0x00, 0x48, keyId, p2, data, 0));
  }

  /** A logged-in card holding the NIST key, unsealed, as key 7. */
  static KeyTestCard nistCard() {
    KeyTestCard base = KeyTestCard.loggedIn();
    KeyRecord k = new KeyRecord(7, KeyRecord.KeyType.AES, 128, "", NIST_KEY, new byte[0],
        new byte[0]);
    CardOs card = new CardOs(new MemoryStateStore(TestStates.withKey(base.card.state(), k)),
        TestCard.env());
    return new KeyTestCard(card, false, true);
  }

  static byte[] xorFirstBlock(byte[] data, byte[] iv) {
    byte[] out = data.clone();
    for (int i = 0; i < 16; i++) {
      out[i] ^= iv[i];
    }
    return out;
  }

  @Test
  void cbcEncrypt_withHostIvXoredIn_matchesSp80038aF21() {
    KeyTestCard t = nistCard();
    // the module's way (docs/protocol.md#cipher): IV into the first block, the card's IV is zero
    byte[] out = t.send(cipher(0x10, 7, xorFirstBlock(NIST_PLAIN, NIST_IV))).ok().data();
    assertThat(HEX.formatHex(out)).isEqualTo(HEX.formatHex(NIST_CBC));
  }

  @Test
  void cbcDecrypt_thenHostIvXor_matchesSp80038aF22() {
    KeyTestCard t = nistCard();
    byte[] out = t.send(cipher(0x11, 7, NIST_CBC)).ok().data();
    assertThat(HEX.formatHex(xorFirstBlock(out, NIST_IV))).isEqualTo(HEX.formatHex(NIST_PLAIN));
  }

  @ParameterizedTest
  @CsvSource({
    "0, bb1d6929e95937287fa37d129b756746",
    "16, 070a16b46b4d4144f79bdd9dd04a287c",
    "40, dfa66747de9ae63030ca32611497c827",
    "64, 51f0bebf7e3b9d92fc49741779363cfe"
  })
  void cmac_matchesSp80038bD1(int len, String tag) {
    KeyTestCard t = nistCard();
    byte[] out = t.send(cipher(0x18, 7, Arrays.copyOf(NIST_PLAIN, len))).ok().data();
    assertThat(HEX.formatHex(out)).isEqualTo(tag);
  }

  @ParameterizedTest
  @CsvSource({"176, 16", "177, 24", "178, 32"})
  void generatedKey_sealedAtRest_agreesWithJdkAndBouncyCastle(int p2, int bytes)
      throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();
    assertThat(generate(t, 3, p2, "9104101118" + "99").data()).isEmpty();
    assertThat(t.card.state().key(3).sealed()).isTrue();
    assertThat(t.card.state().key(3).sizeBits()).isEqualTo(bytes * 8);
    byte[] key = t.card.privateKeyPkcs8(3);
    assertThat(key).hasSize(bytes);
    assertThat(HEX.formatHex(t.card.state().key(3).privateKey())).doesNotContain(HEX.formatHex(key));

    byte[] data = Arrays.copyOf(NIST_PLAIN, 48);
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
    byte[] enc = t.send(cipher(0x10, 3, data)).ok().data();
    assertThat(enc).isEqualTo(c.doFinal(data));
    assertThat(t.send(cipher(0x11, 3, enc)).ok().data()).isEqualTo(data);
    CMac mac = new CMac(AESEngine.newInstance());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, 37);
    byte[] tag = new byte[16];
    mac.doFinal(tag, 0);
    assertThat(t.send(cipher(0x18, 3, Arrays.copyOf(data, 37))).ok().data()).isEqualTo(tag);
  }

  @Test
  void key_survivesReopen_andNeedsThePinAgain(@TempDir Path dir) throws Exception {
    byte[] tag;
    try (var card = SealedCards.open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      SealedCards.initialize(t, "648219", 3, null).ok();
      t.login();
      generate(t, 9, 0xB2, "").ok();
      tag = t.send(cipher(0x18, 9, NIST_PLAIN)).ok().data();
    }
    try (var card = SealedCards.open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(t.send(cipher(0x18, 9, NIST_PLAIN)).sw()).isEqualTo(0x6982);
      t.login();
      assertThat(t.send(cipher(0x18, 9, NIST_PLAIN)).ok().data()).isEqualTo(tag);
    }
  }

  @Test
  void accessRulesAndStatusWords() {
    KeyTestCard t = KeyTestCard.loggedIn();
    generate(t, 4, 0xB0, "91011" + "8").ok(); // CMAC only
    t.generateRsa(5, 2048);
    byte[] block = new byte[16];

    assertThat(t.send(cipher(0x18, 4, block)).sw()).isEqualTo(0x9000);
    assertThat(t.send(cipher(0x10, 4, block)).sw()).isEqualTo(0x6A81); // not in its list
    assertThat(t.send(cipher(0x10, 5, block)).sw()).isEqualTo(0x6A81); // RSA key
    assertThat(t.send(cipher(0x10, 6, block)).sw()).isEqualTo(0x6A88); // no key
    assertThat(t.send(cipher(0x99, 4, block)).sw()).isEqualTo(0x6A86); // derive: unknown KDF
    assertThat(t.send(cipher(0x21, 4, block)).sw()).isEqualTo(0x6A86);
    assertThat(t.sign(4, 0x20, new byte[32]).sw()).isEqualTo(0x6985); // AES key cannot sign

    generate(t, 6, 0xB1, "").ok(); // no list: any AES algorithm
    assertThat(t.send(cipher(0x10, 6, new byte[15])).sw()).isEqualTo(0x6A80);
    assertThat(t.send(cipher(0x11, 6, new byte[0])).sw()).isEqualTo(0x6A80);
    assertThat(t.send(cipher(0x10, 6, new byte[32])).sw()).isEqualTo(0x9000);

    assertThat(generate(t, 0, 0xB0, "").sw()).isEqualTo(0x6A86);
    assertThat(generate(t, 8, 0xB3, "").sw()).isEqualTo(0x6A86);
    assertThat(generate(t, 8, 0xB0, "910110" + "900400000010").sw()).isEqualTo(0x6A80);
    assertThat(generate(t, 8, 0xB0, "92010" + "1").sw()).isEqualTo(0x6A80);
    assertThat(generate(t, 8, 0xB0, "9100").sw()).isEqualTo(0x6A80);
    assertThat(generate(t, 8, 0xB0, "9101").sw()).isEqualTo(0x6A80); // truncated TLV
    assertThat(t.card.state().key(8)).isNull();

    t.logout();
    assertThat(t.send(cipher(0x10, 6, new byte[16])).sw()).isEqualTo(0x6982);
    assertThat(generate(t, 8, 0xB0, "").sw()).isEqualTo(0x6982);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x10, 0x18})
  void outputDependsOnTheKey_notJustTheData(int p2) {
    KeyTestCard t = KeyTestCard.loggedIn();
    generate(t, 1, 0xB0, "").ok();
    generate(t, 2, 0xB0, "").ok();
    assertThat(t.send(cipher(p2, 1, NIST_PLAIN)).ok().data())
        .isNotEqualTo(t.send(cipher(p2, 2, NIST_PLAIN)).ok().data());
  }

  /** A key request's outer signature does not take an AES key. */
  @Test
  void aesKey_isRefusedAsOuterSigner(@TempDir Path dir) throws Exception {
    try (var card = SealedCards.open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      SealedCards.initialize(t, "648219", 3, 1).ok();
      SealedCards.importShare(t, SealedCards.share(0x31)).ok();
      t.login();
      generate(t, 2, 0xB0, "").ok();
      assertThat(t.generate(4, 2, t.openScEcRequest(
          io.hsmkit.card.crypto.Curve.SECP256R1)).sw()).isEqualTo(0x6985);
      assertThat(t.key(4)).isNull();
    }
  }

  static byte[] sha256(byte[] a, byte[] b) throws Exception {
    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
    d.update(a);
    d.update(b);
    return d.digest();
  }

  static byte[] aesCbc(int mode, byte[] key, byte[] data) throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
    return c.doFinal(data);
  }

  static byte[] bcCmac(byte[] key, byte[] data) {
    CMac mac = new CMac(AESEngine.newInstance());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, data.length);
    byte[] out = new byte[16];
    mac.doFinal(out, 0);
    return out;
  }

  /**
   * An AES blob built here, independently of the card's code: KCV | 0F | 0008 aes OID | algorithms
   * | 0000 | 0000 | AES-256-CBC(Kenc) of [8 random | size | key | 80 00..] | CMAC(Kmac).
   */
  static byte[] aesBlob(byte[] dkek, byte[] key, int size, byte[] algorithms, byte[] padding)
      throws Exception {
    return aesBlob(dkek, 0x0F, "00086086480165030401", key, size, algorithms, padding);
  }

  /** {@code padding}, then zeros to whole blocks. */
  static byte[] aesBlob(byte[] dkek, int type, String oidHex, byte[] key, int size,
      byte[] algorithms, byte[] padding) throws Exception {
    java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
    plain.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    plain.write(size >>> 8);
    plain.write(size);
    plain.writeBytes(key);
    plain.writeBytes(padding);
    while (plain.size() % 16 != 0) {
      plain.write(0);
    }
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.writeBytes(Arrays.copyOf(sha256(dkek, new byte[0]), 8));
    b.write(type);
    b.writeBytes(HEX.parseHex(oidHex));
    b.write(0);
    b.write(algorithms.length);
    b.writeBytes(algorithms);
    b.writeBytes(new byte[4]);
    b.writeBytes(aesCbc(Cipher.ENCRYPT_MODE, sha256(dkek, new byte[] {0, 0, 0, 1}),
        plain.toByteArray()));
    b.writeBytes(bcCmac(sha256(dkek, new byte[] {0, 0, 0, 2}), b.toByteArray()));
    return b.toByteArray();
  }

  static KeyTestCard.Reply wrap(KeyTestCard t, int id) {
    return t.send(KeyTestCard.extended(0x80, 0x72, id, 0x92, new byte[0], 0));
  }

  static KeyTestCard.Reply unwrap(KeyTestCard t, int id, byte[] blob) {
    return t.send(KeyTestCard.extended(0x80, 0x74, id, 0x93, blob, -1));
  }

  /**
   * WRAP of an AES key gives a type-0F blob that decodes here with the DKEK alone to the key the
   * card uses (its CMAC of a message equals Bouncy Castle's with the decoded key), and UNWRAP
   * restores it with its algorithm list, on this card and on a sealed one.
   */
  @ParameterizedTest
  @ValueSource(ints = {0xB0, 0xB1, 0xB2})
  void wrap_givesTheAesBlob_andUnwrapRestoresAUsableKey(int p2, @TempDir Path dir)
      throws Exception {
    byte[] dkek = SealedCards.share(0x31); // one share: the DKEK is the share
    try (var card = SealedCards.open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      SealedCards.initialize(t, "648219", 3, 1).ok();
      SealedCards.importShare(t, dkek).ok();
      t.login();
      generate(t, 2, p2, "9102" + "1018").ok();
      byte[] blob = wrap(t, 2).ok().data();

      // parse independently
      assertThat(Arrays.copyOf(blob, 8)).isEqualTo(Arrays.copyOf(sha256(dkek, new byte[0]), 8));
      assertThat(blob[8]).isEqualTo((byte) 0x0F);
      assertThat(HEX.formatHex(Arrays.copyOfRange(blob, 9, 19))).isEqualTo("00086086480165030401");
      assertThat(HEX.formatHex(Arrays.copyOfRange(blob, 19, 23))).isEqualTo("00021018");
      assertThat(HEX.formatHex(Arrays.copyOfRange(blob, 23, 27))).isEqualTo("00000000");
      byte[] mac = bcCmac(sha256(dkek, new byte[] {0, 0, 0, 2}),
          Arrays.copyOf(blob, blob.length - 16));
      assertThat(Arrays.copyOfRange(blob, blob.length - 16, blob.length)).isEqualTo(mac);
      byte[] plain = aesCbc(Cipher.DECRYPT_MODE, sha256(dkek, new byte[] {0, 0, 0, 1}),
          Arrays.copyOfRange(blob, 27, blob.length - 16));
      int len = 16 + 8 * (p2 - 0xB0);
      assertThat(((plain[8] & 0xFF) << 8) | (plain[9] & 0xFF)).isEqualTo(len);
      byte[] key = Arrays.copyOfRange(plain, 10, 10 + len);
      assertThat(plain[10 + len]).isEqualTo((byte) 0x80);
      assertThat(plain.length).isEqualTo((10 + len + 16) / 16 * 16);

      byte[] cardMac = t.send(cipher(0x18, 2, NIST_PLAIN)).ok().data();
      assertThat(cardMac).isEqualTo(bcCmac(key, NIST_PLAIN));

      // unwrap as key 3: same key, same algorithm list (CBC decrypt not allowed)
      unwrap(t, 3, blob).ok();
      assertThat(t.send(cipher(0x18, 3, NIST_PLAIN)).ok().data()).isEqualTo(cardMac);
      assertThat(t.send(cipher(0x10, 3, NIST_PLAIN)).ok().data())
          .isEqualTo(aesCbc(Cipher.ENCRYPT_MODE, key, NIST_PLAIN));
      assertThat(t.send(cipher(0x11, 3, NIST_PLAIN)).sw()).isEqualTo(0x6A81);
      assertThat(t.key(3).type()).isEqualTo(KeyRecord.KeyType.AES);
      assertThat(t.key(3).sizeBits()).isEqualTo(len * 8);
      assertThat(t.key(3).sealed()).isTrue();
    }
  }

  /** A blob built here with the NIST key: the card then gives the SP 800-38A / 38B results. */
  @Test
  void unwrap_ofAKnownKey_givesTheNistVectors(@TempDir Path dir) throws Exception {
    byte[] dkek = SealedCards.share(0x52);
    try (var card = SealedCards.open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      SealedCards.initialize(t, "648219", 3, 1).ok();
      SealedCards.importShare(t, dkek).ok();
      t.login();
      unwrap(t, 9, aesBlob(dkek, NIST_KEY, 16, new byte[0], HEX.parseHex("800000000000"))).ok();
      assertThat(t.send(cipher(0x10, 9, xorFirstBlock(NIST_PLAIN, NIST_IV))).ok().data())
          .isEqualTo(NIST_CBC);
      // SP 800-38B D.1 example 2 (16 bytes)
      assertThat(HEX.formatHex(t.send(cipher(0x18, 9, Arrays.copyOf(NIST_PLAIN, 16))).ok().data()))
          .isEqualTo("070a16b46b4d4144f79bdd9dd04a287c");
      // the size in bits is read as well
      unwrap(t, 10, aesBlob(dkek, NIST_KEY, 128, new byte[0], HEX.parseHex("800000000000"))).ok();
      assertThat(t.send(cipher(0x10, 10, xorFirstBlock(NIST_PLAIN, NIST_IV))).ok().data())
          .isEqualTo(NIST_CBC);
    }
  }

  /** Type and size that disagree with the key, and a foreign default algorithm: 6A80, nothing stored. */
  @Test
  void unwrap_refusesInconsistentAesBlobs(@TempDir Path dir) throws Exception {
    byte[] dkek = SealedCards.share(0x52);
    byte[] key32 = Arrays.copyOf(NIST_KEY, 32);
    try (var card = SealedCards.open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      SealedCards.initialize(t, "648219", 3, 1).ok();
      SealedCards.importShare(t, dkek).ok();
      t.login();
      byte[] pad6 = HEX.parseHex("800000000000");
      byte[][] bad = {
        aesBlob(dkek, NIST_KEY, 32, new byte[0], pad6), // size says 32, 16 bytes follow
        aesBlob(dkek, key32, 24, new byte[0], HEX.parseHex("80000000000000")), // 24 of 32
        aesBlob(dkek, key32, 16, new byte[0], HEX.parseHex("80000000000000")), // 16 of 32
        aesBlob(dkek, NIST_KEY, 20, new byte[0], HEX.parseHex("80")), // no AES size
        aesBlob(dkek, NIST_KEY, 16, new byte[0], HEX.parseHex("810000000000")), // not padding
      };
      for (byte[] b : bad) {
        assertThat(unwrap(t, 9, b).sw()).isEqualTo(0x6A80);
      }
      // the AES layout as type 0C with the aes OID, and type 0F with the EC OID
      assertThat(unwrap(t, 9, aesBlob(dkek, 0x0C, "00086086480165030401", NIST_KEY, 16,
          new byte[0], pad6)).sw()).isEqualTo(0x6A80);
      assertThat(unwrap(t, 9, aesBlob(dkek, 0x0F, "000A04007F00070202020203", NIST_KEY, 16,
          new byte[0], pad6)).sw()).isEqualTo(0x6A80);
      assertThat(t.key(9)).isNull();
      // the well-formed one for contrast
      unwrap(t, 9, aesBlob(dkek, NIST_KEY, 16, new byte[0], pad6)).ok();
    }
  }

}
