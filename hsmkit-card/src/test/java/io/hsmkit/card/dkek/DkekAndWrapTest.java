package io.hsmkit.card.dkek;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.TestCard;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.testkit.Vectors;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DkekAndWrapTest {
  static final HexFormat HEX = HexFormat.of();
  static final Vectors.WrappedKey REAL = Vectors.nitrokeyWrappedEcKey();

  /** A card initialized for {@code shares} DKEK shares, logged in. */
  static TestCard card(int shares) {
    TestCard t = TestCard.inMemory();
    assertThat(t.initialize(TestCard.SO_PIN_HEX, TestCard.USER_PIN, 3, shares).isSuccess()).isTrue();
    return t.loggedIn();
  }

  static ResponseApdu importShare(TestCard t, byte[] share) {
    return t.send("80520000" + "20" + HEX.formatHex(share) + "00");
  }

  static ResponseApdu unwrap(TestCard t, int id, byte[] blob) {
    return ResponseApdu.parse(t.card.process(new CommandApdu(0x80, 0x74, id, 0x93, blob, -1, true).toBytes()));
  }

  static ResponseApdu wrap(TestCard t, int id) {
    return ResponseApdu.parse(t.card.process(new CommandApdu(0x80, 0x72, id, 0x92, new byte[0], 65536, true).toBytes()));
  }

  static List<Tlv> realFile() throws Exception {
    return Tlv.parseFirst(REAL.wrapFile()).children();
  }

  @Test
  void importShare_realNitrokeyDkek_givesItsKcv() {
    TestCard t = card(1);
    ResponseApdu r = importShare(t, REAL.dkek());
    assertThat(HEX.formatHex(r.data()).toUpperCase()).isEqualTo("0100" + REAL.kcv());
  }

  @Test
  void importShare_vectorShare_givesSingleShareKcv() {
    Vectors.DkekShare v = Vectors.dkekShare();
    TestCard t = card(1);
    assertThat(HEX.formatHex(importShare(t, v.share()).data()).toUpperCase()).isEqualTo("0100" + v.kcv());
  }

  @Test
  void importShare_twoShares_xorAndCountDown() {
    TestCard t = card(2);
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    Arrays.fill(a, (byte) 0x0F);
    Arrays.fill(b, (byte) 0xF0);
    assertThat(HEX.formatHex(t.send("8052000000").data()).substring(0, 4)).isEqualTo("0202");
    assertThat(HEX.formatHex(importShare(t, a).data()).substring(0, 4)).isEqualTo("0201");
    ResponseApdu done = importShare(t, b);
    byte[] ff = new byte[32];
    Arrays.fill(ff, (byte) 0xFF);
    assertThat(Arrays.copyOfRange(done.data(), 2, 10)).isEqualTo(Dkek.kcv(ff));
    assertThat(done.data()[1]).isZero();
    assertThat(importShare(t, a).sw()).isEqualTo(StatusWord.COMMAND_NOT_ALLOWED_NO_EF);
    assertThat(t.card.state().dkekKcv()).isEqualTo(Dkek.kcv(ff));
  }

  @Test
  void importShare_withoutDkekOrBeforeInit_answers6D00_andWrongLength6700() {
    TestCard none = TestCard.inMemory();
    assertThat(none.sw("8052000000")).isEqualTo(StatusWord.INS_NOT_SUPPORTED);
    none.initialize(TestCard.SO_PIN_HEX, TestCard.USER_PIN, 3, null);
    assertThat(none.sw("8052000000")).isEqualTo(StatusWord.INS_NOT_SUPPORTED);
    assertThat(card(1).sw("8052000003010203")).isEqualTo(StatusWord.WRONG_LENGTH);
  }

  @Test
  void randomDkek_totalZeroOutstandingZero() {
    TestCard t = card(0);
    ResponseApdu r = t.send("8052000000");
    assertThat(r.data()[0]).isZero();
    assertThat(r.data()[1]).isZero();
    assertThat(Arrays.copyOfRange(r.data(), 2, 10)).isEqualTo(t.card.state().dkekKcv());
  }

  @Test
  void unwrap_realNitrokeyBlob_restoresTheKeyThatSignsForItsPublicKey() throws Exception {
    TestCard t = card(1);
    importShare(t, REAL.dkek());
    List<Tlv> file = realFile();
    assertThat(unwrap(t, 1, file.get(0).value()).sw()).isEqualTo(StatusWord.NO_ERROR);
    KeyRecord k = t.card.state().key(1);
    assertThat(k.curve()).isEqualTo("secp256k1");
    // Q from the CV request in the same backup file (tag 86)
    byte[] q = findTag(file.get(2).value(), 0x86);
    var pub = new CardCrypto(new SecureRandom()).publicKey(k);
    var w = ((java.security.interfaces.ECPublicKey) pub).getW();
    Curve c = Curve.SECP256K1;
    assertThat(HEX.formatHex(q)).isEqualTo("04" + HEX.formatHex(c.fixed(w.getAffineX()))
        + HEX.formatHex(c.fixed(w.getAffineY())));
    // and the card signs with it (SIGN 73 = ECDSA with SHA-256)
    byte[] msg = "restored".getBytes();
    ResponseApdu sig = ResponseApdu.parse(t.card.process(
        new CommandApdu(0x80, 0x68, 1, 0x73, msg, 512, true).toBytes()));
    Signature v = Signature.getInstance("SHA256withECDSA", CardCrypto.bouncyCastle());
    v.initVerify(pub);
    v.update(msg);
    assertThat(v.verify(sig.data())).isTrue();
  }

  @Test
  void rewrap_realKey_isByteIdenticalToTheRealDeviceExceptTheRandomPrefix() throws Exception {
    TestCard t = card(1);
    importShare(t, REAL.dkek());
    byte[] real = realFile().get(0).value();
    unwrap(t, 1, real);
    byte[] ours = wrap(t, 1).data();
    assertThat(ours).hasSameSizeAs(real);
    int header = 8 + 1 + 12 + 2 + 2 + 2; // KCV, type, OID, three empty lists
    assertThat(Arrays.copyOf(ours, header)).isEqualTo(Arrays.copyOf(real, header));
    byte[] kenc = MessageDigest.getInstance("SHA-256").digest(concat(REAL.dkek(), new byte[] {0, 0, 0, 1}));
    byte[] pReal = decrypt(kenc, Arrays.copyOfRange(real, header, real.length - 16));
    byte[] pOurs = decrypt(kenc, Arrays.copyOfRange(ours, header, ours.length - 16));
    assertThat(Arrays.copyOfRange(pOurs, 8, pOurs.length)).isEqualTo(Arrays.copyOfRange(pReal, 8, pReal.length));
  }

  @ParameterizedTest
  @EnumSource(Curve.class)
  void wrapUnwrap_everyCurve_roundTripsToAnotherCardWithTheSameDkek(Curve curve) {
    roundTrip(key(curve));
  }

  @ParameterizedTest
  @ValueSource(ints = {1024, 2048, 3072})
  void wrapUnwrap_rsa_roundTrips(int bits) {
    byte[] blob = roundTrip(rsaKey(bits));
    assertThat(blob[8]).isEqualTo((byte) (bits <= 2048 ? 6 : 5));
    if (bits == 2048) {
      assertThat(blob).hasSize(971); // docs/protocol.md#key-blob
    }
  }

  @Test
  void wrap_rsa4096_usesDneFormUnder1500Bytes() {
    byte[] blob = roundTrip(rsaKey(4096));
    assertThat(blob[8]).isEqualTo((byte) 5);
    // exactly the UNWRAP payload seen from a real SmartCard-HSM 4K (docs/protocol.md#key-blob), under OpenSC's 1500
    assertThat(blob).hasSize(1099);
  }

  static final CardCrypto CRYPTO = new CardCrypto(new SecureRandom());

  static KeyRecord key(Curve curve) {
    KeyPair kp = CRYPTO.generateEc(curve);
    return new KeyRecord(1, KeyRecord.KeyType.EC, curve.fieldBits(), curve.curveName(),
        kp.getPrivate().getEncoded(), kp.getPublic().getEncoded(), new byte[0]);
  }

  static KeyRecord rsaKey(int bits) {
    KeyPair kp = CRYPTO.generateRsa(bits);
    return new KeyRecord(1, KeyRecord.KeyType.RSA, bits, "", kp.getPrivate().getEncoded(),
        kp.getPublic().getEncoded(), new byte[0]);
  }

  /** Unwraps a blob made on the host into card A, wraps it there, unwraps into card B. */
  static byte[] roundTrip(KeyRecord key) {
    byte[] share = new byte[32];
    new SecureRandom().nextBytes(share);
    TestCard a = card(1);
    importShare(a, share);
    TestCard b = card(1);
    importShare(b, share);
    byte[] hostBlob = KeyBlob.wrap(key, share, CRYPTO);
    assertThat(unwrap(a, 5, hostBlob).sw()).isEqualTo(StatusWord.NO_ERROR);
    ResponseApdu w = wrap(a, 5);
    assertThat(w.sw()).isEqualTo(StatusWord.NO_ERROR);
    assertThat(unwrap(b, 9, w.data()).sw()).isEqualTo(StatusWord.NO_ERROR);
    assertThat(b.card.state().key(9).publicKey()).isEqualTo(key.publicKey());
    assertThat(a.card.state().key(5).publicKey()).isEqualTo(key.publicKey());
    return w.data();
  }

  @Test
  void unwrap_everySingleBitFlip_isRejectedAndStoresNothing() {
    byte[] share = new byte[32];
    new SecureRandom().nextBytes(share);
    TestCard t = card(1);
    importShare(t, share);
    byte[] blob = KeyBlob.wrap(key(Curve.SECP256R1), share, CRYPTO);
    CardState before = t.card.state();
    for (int bit = 0; bit < blob.length * 8; bit++) {
      byte[] flipped = blob.clone();
      flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
      assertThat(unwrap(t, 3, flipped).sw()).as("bit %d", bit).isEqualTo(StatusWord.WRONG_DATA);
    }
    assertThat(t.card.state()).isEqualTo(before);
    assertThat(unwrap(t, 3, blob).sw()).isEqualTo(StatusWord.NO_ERROR);
    System.out.println("[hsmkit-summary] key blobs: single-bit flips rejected = " + blob.length * 8);
  }

  @Test
  void unwrap_wrongDkek_occupiedTarget_noPin_noDkek_areRefused() {
    byte[] share = new byte[32];
    new SecureRandom().nextBytes(share);
    byte[] blob = KeyBlob.wrap(key(Curve.BRAINPOOLP256R1), share, CRYPTO);
    TestCard other = card(1);
    importShare(other, flipped(share));
    assertThat(unwrap(other, 1, blob).sw()).isEqualTo(StatusWord.WRONG_DATA);
    assertThat(other.card.state().key(1)).isNull();

    TestCard t = card(1);
    importShare(t, share);
    assertThat(unwrap(t, 1, blob).sw()).isEqualTo(StatusWord.NO_ERROR);
    assertThat(unwrap(t, 1, blob).sw()).isEqualTo(StatusWord.FILE_ALREADY_EXISTS);
    t.card.powerOff();
    assertThat(unwrap(t, 2, blob).sw()).isEqualTo(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    assertThat(wrap(t, 1).sw()).isEqualTo(StatusWord.SECURITY_STATUS_NOT_SATISFIED);

    TestCard noDkek = TestCard.inMemory();
    noDkek.initialize(TestCard.SO_PIN_HEX, TestCard.USER_PIN, 3, null);
    noDkek.loggedIn();
    assertThat(unwrap(noDkek, 1, blob).sw()).isEqualTo(StatusWord.INS_NOT_SUPPORTED);
    TestCard pending = card(2);
    importShare(pending, share);
    assertThat(unwrap(pending, 1, blob).sw()).isEqualTo(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
  }

  @Test
  void unwrap_openSc024Form_readsTheBlobFromEf2F10() {
    byte[] share = new byte[32];
    new SecureRandom().nextBytes(share);
    TestCard t = card(1);
    importShare(t, share);
    KeyRecord k = key(Curve.SECP384R1);
    byte[] blob = KeyBlob.wrap(k, share, CRYPTO);
    assertThat(t.updateBinary(0x2F10, 0, HEX.formatHex(blob))).isEqualTo(StatusWord.NO_ERROR);
    assertThat(t.sw("80740793")).isEqualTo(StatusWord.NO_ERROR);
    assertThat(t.card.state().key(7).publicKey()).isEqualTo(k.publicKey());
    assertThat(t.card.state().hasFile(0x2F10)).isFalse();
  }

  @Test
  void wrap_deviceKeyNeverLeaves() {
    TestCard t = card(0);
    assertThat(wrap(t, 0).sw()).isNotEqualTo(StatusWord.NO_ERROR);
  }

  static byte[] findTag(byte[] tlvs, int tag) throws Exception {
    for (Tlv x : Tlv.parseAll(tlvs)) {
      if (x.tag() == tag) {
        return x.value();
      }
      if (x.isConstructed()) {
        byte[] inner = findTag(x.value(), tag);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  static byte[] decrypt(byte[] key, byte[] data) throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
    return c.doFinal(data);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A share that differs from {@code share} (an all-zero share is refused). */
  static byte[] flipped(byte[] share) {
    byte[] b = share.clone();
    b[0] ^= 1;
    return b;
  }
}
