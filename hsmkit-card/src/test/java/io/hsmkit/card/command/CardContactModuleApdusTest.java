package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.TestCard;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.cvc.Cvc;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The APDU sequences CardContact's own PKCS#11 module (sc-hsm-embedded, {@code
 * src/pkcs11/token-sc-hsm.c}) sends, replayed in our own words, with the answers it relies on
 * (docs/interop.md, "CardContact's PKCS#11 module"). The module encodes Lc / Le its own way: short
 * only when both fit one byte, else extended, Ne 65536 as {@code 00 00}, and no Le at all where it
 * expects no data (VERIFY, GENERATE ASYMMETRIC KEY PAIR, UPDATE BINARY).
 */
class CardContactModuleApdusTest {
  static final HexFormat HEX = HexFormat.of();
  static final String AID = "E82B0601040181C31F0201";
  /** The CHR the module puts into a key request when the template has no CKA_CVC_CHR. */
  static final String DEFAULT_CHR = "UTDUMMY00000";
  static final byte[] MESSAGE =
      "signed through CardContact's module".getBytes(StandardCharsets.US_ASCII);

  /** Lc / Le as the module encodes them ({@code encodeCommandAPDU}); {@code ne < 0}: no Le. */
  static byte[] apdu(int cla, int ins, int p1, int p2, byte[] data, int ne) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(cla);
    out.write(ins);
    out.write(p1);
    out.write(p2);
    boolean shortForm = data.length <= 255 && ne <= 255;
    if (data.length > 0) {
      if (shortForm) {
        out.write(data.length);
      } else {
        out.write(0);
        out.write(data.length >> 8);
        out.write(data.length);
      }
      out.writeBytes(data);
    }
    if (ne >= 0) {
      if (shortForm) {
        out.write(ne);
      } else {
        int le = ne >= 65536 ? 0 : ne;
        if (data.length == 0) {
          out.write(0);
        }
        out.write(le >> 8);
        out.write(le);
      }
    }
    return out.toByteArray();
  }

  static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  static KeyTestCard.Reply send(KeyTestCard t, int cla, int ins, int p1, int p2, byte[] data,
      int ne) {
    return t.send(apdu(cla, ins, p1, p2, data, ne));
  }

  static int pinStatus(KeyTestCard t, int ref) {
    return send(t, 0x00, 0x20, 0x00, ref, new byte[0], -1).sw();
  }

  /** {@code readEF}: READ BINARY B1 with {@code 54 02 offset} and Ne 65536, one APDU. */
  static KeyTestCard.Reply readEf(KeyTestCard t, int fid) {
    return send(t, 0x00, 0xB1, fid >> 8, fid & 0xFF, hex("54020000"), 65536);
  }

  /** {@code writeEF}: UPDATE BINARY D7 in blocks of {@code block} bytes, {@code 54 02 off 53 L}. */
  static void writeEf(KeyTestCard t, int fid, byte[] content, int block) {
    for (int off = 0; off < content.length; off += block) {
      byte[] chunk = Arrays.copyOfRange(content, off, Math.min(content.length, off + block));
      byte[] data = new TlvWriter().add(0x54, new byte[] {(byte) (off >> 8), (byte) off})
          .add(0x53, chunk).toByteArray();
      assertThat(send(t, 0x00, 0xD7, fid >> 8, fid & 0xFF, data, -1).sw()).isEqualTo(0x9000);
    }
  }

  /** {@code enumerateObjects}: case 2 extended, Ne 65536; the FIDs, two bytes each. */
  static List<Integer> enumerate(KeyTestCard t) {
    KeyTestCard.Reply r = send(t, 0x80, 0x58, 0x00, 0x00, new byte[0], 65536).ok();
    List<Integer> fids = new ArrayList<>();
    for (int i = 0; i + 1 < r.data().length; i += 2) {
      fids.add(((r.data()[i] & 0xFF) << 8) | (r.data()[i + 1] & 0xFF));
    }
    return fids;
  }

  /** {@code encodeGAKP} for firmware 2 and later: no inner CAR, the default CHR. */
  static byte[] ecRequest(Curve curve) {
    return new TlvWriter().addByte(Cvc.TAG_CPI, 0)
        .raw(KeyTestCard.ecTemplate(curve, curve.primeBytes(), curve.bBytes()))
        .add(Cvc.TAG_CHR, DEFAULT_CHR).toByteArray();
  }

  static byte[] rsaRequest(int bits) {
    return new TlvWriter().addByte(Cvc.TAG_CPI, 0)
        .raw(KeyTestCard.rsaTemplate(bits, new byte[] {1, 0, 1}))
        .add(Cvc.TAG_CHR, DEFAULT_CHR).toByteArray();
  }

  /** {@code determineFreeKeyId}: the first id 1..255 without a {@code CCxx} in the list. */
  static int freeKeyId(KeyTestCard t) {
    List<Integer> fids = enumerate(t);
    for (int id = 1; id <= 255; id++) {
      if (!fids.contains(0xCC00 | id)) {
        return id;
      }
    }
    throw new AssertionError("no free key id");
  }

  /** A PKCS#15 private key description as the module's {@code encodePrivateKeyDescription}. */
  static byte[] prkd(int keyType, String label, int id) {
    return new TlvWriter()
        .nest(keyType, w -> w
            .nest(0x30, c -> c.add(0x0C, label))
            .nest(0x30, c -> c.add(0x04, new byte[] {(byte) id}).add(0x03, hex("0720")))
            .nest(0xA1, a -> a.nest(0x30, s -> s.nest(0x30, p -> p.add(0x04, new byte[0]))
                .add(0x02, new byte[] {0x01, 0x00}))))
        .toByteArray();
  }

  /** {@code sc_hsm_C_GenerateKeyPair}: free id, GAKP without Le, PRKD written, C4 and CE read. */
  static int generate(KeyTestCard t, byte[] request, int prkdType) {
    int id = freeKeyId(t);
    assertThat(send(t, 0x00, 0x46, id, 0x00, request, -1).sw()).isEqualTo(0x9000);
    byte[] prkd = prkd(prkdType, "key " + id, id);
    writeEf(t, 0xC400 | id, prkd, 0x100);
    assertThat(readEf(t, 0xC400 | id).ok().data()).isEqualTo(prkd);
    byte[] ce = readEf(t, 0xCE00 | id).ok().data();
    assertThat(ce[0]).isEqualTo((byte) 0x67); // a CV request: the module takes the key from it
    return id;
  }

  /** The 7F4E body fields of the request in {@code CE<id>}. */
  static List<Tlv> requestBody(KeyTestCard t, int id) throws Exception {
    Tlv req = Tlv.parseFirst(readEf(t, 0xCE00 | id).ok().data());
    Tlv cvc = Tlv.find(req.children(), Cvc.TAG_CVC).orElseThrow();
    return Tlv.find(cvc.children(), Cvc.TAG_BODY).orElseThrow().children();
  }

  /**
   * {@code decodeECDSASignature}: each INTEGER right-aligned into the field width, a leading 00
   * dropped when the INTEGER is longer than the field.
   */
  static byte[] moduleDecode(byte[] der, int fieldBytes) throws Exception {
    Tlv seq = Tlv.parseFirst(der);
    assertThat(seq.tag()).isEqualTo(0x30);
    byte[] out = new byte[2 * fieldBytes];
    List<Tlv> ints = seq.children();
    assertThat(ints).hasSize(2);
    for (int i = 0; i < 2; i++) {
      byte[] v = ints.get(i).value();
      if (v.length > fieldBytes) {
        assertThat(v[0]).isZero();
        v = Arrays.copyOfRange(v, 1, v.length);
      }
      System.arraycopy(v, 0, out, fieldBytes * i + fieldBytes - v.length, v.length);
    }
    return out;
  }

  /** Verifies r || s (what the module hands to its caller) with Bouncy Castle (any curve). */
  static boolean verifyPlain(String hash, PublicKey key, byte[] data, byte[] sig)
      throws Exception {
    if (hash.equals("NONE")) { // Bouncy Castle has no NONEwithPLAIN-ECDSA: back to DER
      int n = sig.length / 2;
      sig = new DERSequence(new ASN1Encodable[] {
          new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(sig, 0, n))),
          new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(sig, n, 2 * n)))}).getEncoded();
    }
    Signature s = Signature.getInstance(
        hash + (hash.equals("NONE") ? "withECDSA" : "withPLAIN-ECDSA"), CardCrypto.bouncyCastle());
    s.initVerify(key);
    s.update(data);
    return s.verify(sig);
  }

  static byte[] sha(String alg, byte[] data) throws Exception {
    return MessageDigest.getInstance(alg).digest(data);
  }

  @Test
  void factoryNew_tokenDetection_seesAnUninitializedDevice() {
    KeyTestCard t = KeyTestCard.factoryNew();
    // newSmartCardHSMToken: status of 81; anything but 9000 selects the applet (P2 04, Le 00)
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x6A88);
    KeyTestCard.Reply select = send(t, 0x00, 0xA4, 0x04, 0x04, hex(AID), 0).ok();
    byte[] fcp = select.data();
    assertThat(fcp[0]).isEqualTo((byte) 0x62);
    // tag 85: the last two bytes are the firmware version; the module adds 42 only below 2.0
    byte[] prop = findTag(fcp, 0x85);
    assertThat(prop.length).isGreaterThan(2);
    assertThat(prop[prop.length - 2] & 0xFF).isGreaterThanOrEqualTo(2);
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x6A88);
    // 81 answered 6A88 (or 6984): the SO-PIN decides; 6A88 there = "not initialized"
    assertThat(pinStatus(t, 0x88)).isEqualTo(0x6A88);
    // the token is still listed: 2F03 (label) may be missing, ENUMERATE must work
    assertThat(readEf(t, 0x2F03).sw()).isEqualTo(0x6A82);
    assertThat(enumerate(t)).contains(0x2F02);
    // with --enable-cvc the module reads EF.C_DevAut, which a fresh device has
    assertThat(readEf(t, 0x2F02).ok().data()).isEqualTo(t.card.state().file(0x2F02));
    // C_GenerateRandom before INITIALIZE: GET CHALLENGE in blocks of up to 1024 bytes
    assertThat(send(t, 0x00, 0x84, 0x00, 0x00, new byte[0], 1024).ok().data()).hasSize(1024);
    assertThat(send(t, 0x00, 0x84, 0x00, 0x00, new byte[0], 16).ok().data()).hasSize(16);
  }

  private static byte[] findTag(byte[] fcp, int tag) {
    try {
      return Tlv.find(Tlv.parseFirst(fcp).children(), tag).orElseThrow().value();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void initialized_tokenDetection_pinStatusSaysInitializedWithTriesLeft() {
    KeyTestCard t = KeyTestCard.loggedOut();
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x63C3);
    send(t, 0x00, 0xA4, 0x04, 0x04, hex(AID), 0).ok();
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x63C3);
    assertThat(pinStatus(t, 0x88)).isEqualTo(0x63CF);
  }

  /**
   * {@code sc_hsm_login} / {@code updatePinStatus}: 63C2 and 63C1 are CKR_PIN_INCORRECT, only
   * 6983 is CKR_PIN_LOCKED, so the third wrong PIN must answer 6983.
   */
  @Test
  void login_thirdWrongPin_answers6983_thenInitPinWithSoPinUnblocks() {
    KeyTestCard t = KeyTestCard.loggedOut();
    byte[] wrong = "000000".getBytes(StandardCharsets.US_ASCII);
    assertThat(send(t, 0x00, 0x20, 0x00, 0x81, wrong, -1).sw()).isEqualTo(0x63C2);
    assertThat(send(t, 0x00, 0x20, 0x00, 0x81, wrong, -1).sw()).isEqualTo(0x63C1);
    assertThat(send(t, 0x00, 0x20, 0x00, 0x81, wrong, -1).sw()).isEqualTo(0x6983);
    assertThat(send(t, 0x00, 0x20, 0x00, 0x81, KeyTestCard.PIN, -1).sw()).isEqualTo(0x6983);
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x6983);

    // sc_hsm_initpin: 2C 00 81 with SO-PIN || new PIN, then the status query
    byte[] so = hex(TestCard.SO_PIN_HEX);
    byte[] newPin = "135790".getBytes(StandardCharsets.US_ASCII);
    byte[] data = Arrays.copyOf(so, so.length + newPin.length);
    System.arraycopy(newPin, 0, data, so.length, newPin.length);
    assertThat(send(t, 0x00, 0x2C, 0x00, 0x81, data, -1).sw()).isEqualTo(0x9000);
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x63C3);
    assertThat(send(t, 0x00, 0x20, 0x00, 0x81, newPin, -1).sw()).isEqualTo(0x9000);
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x9000);

    // C_InitPIN without a PIN: 2C 01 81 with the SO-PIN only resets the counter
    send(t, 0x00, 0x20, 0x00, 0x81, wrong, -1);
    assertThat(send(t, 0x00, 0x2C, 0x01, 0x81, so, -1).sw()).isEqualTo(0x9000);
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x63C3);
  }

  /** {@code sc_hsm_setpin}: 24 00 81 old || new for the user, 24 00 88 with 16 bytes as SO. */
  @Test
  void setPin_userAndSo_asTheModuleSendsIt() {
    KeyTestCard t = KeyTestCard.loggedOut();
    byte[] user = concat(KeyTestCard.PIN, "24680135".getBytes(StandardCharsets.US_ASCII));
    assertThat(send(t, 0x00, 0x24, 0x00, 0x81, user, -1).sw()).isEqualTo(0x9000);
    assertThat(send(t, 0x00, 0x20, 0x00, 0x81, "24680135".getBytes(StandardCharsets.US_ASCII), -1)
        .sw()).isEqualTo(0x9000);
    byte[] so = concat(hex(TestCard.SO_PIN_HEX), hex("0011223344556677"));
    assertThat(send(t, 0x00, 0x24, 0x00, 0x88, so, -1).sw()).isEqualTo(0x9000);
    assertThat(send(t, 0x00, 0x24, 0x00, 0x88, so, -1).sw()).isEqualTo(0x63CE);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** {@code C_GenerateKeyPair(CKM_EC_KEY_PAIR_GEN)} then C_Sign with CKM_ECDSA and the SHA ones. */
  @ParameterizedTest
  @EnumSource(value = Curve.class, names = {"SECP256R1", "SECP384R1", "BRAINPOOLP256R1"})
  void ecKey_generateWithoutCar_thenSignAsTheModule(Curve curve) throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();
    int id = generate(t, ecRequest(curve), 0xA0);
    List<Tlv> body = requestBody(t, id);
    assertThat(body).extracting(Tlv::tag)
        .containsExactly(Cvc.TAG_CPI, Cvc.TAG_PUBLIC_KEY, Cvc.TAG_CHR);
    assertThat(new String(body.get(2).value(), StandardCharsets.US_ASCII)).isEqualTo(DEFAULT_CHR);
    assertThat(enumerate(t)).contains(0xCC00 | id, 0xC400 | id, 0xCE00 | id);

    PublicKey pub = t.publicKey(id);
    int field = curve.fieldBytes();
    // CKM_ECDSA: 70 with the hash, case 4 short (Le 00)
    byte[] hash = sha("SHA-256", MESSAGE);
    byte[] der = send(t, 0x80, 0x68, id, 0x70, hash, 0).ok().data();
    assertThat(verifyPlain("NONE", pub, hash, moduleDecode(der, field))).isTrue();
    // CKM_ECDSA_SHA1 (71), CKM_SC_HSM_ECDSA_SHA224 (72) / _SHA256 (73): the card hashes
    String[][] hashed = {{"71", "SHA1"}, {"72", "SHA224"}, {"73", "SHA256"}};
    for (String[] h : hashed) {
      der = send(t, 0x80, 0x68, id, Integer.parseInt(h[0], 16), MESSAGE, 0).ok().data();
      assertThat(verifyPlain(h[1], pub, MESSAGE, moduleDecode(der, field))).as(h[0]).isTrue();
    }
  }

  /** {@code C_GenerateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN)}, C_Sign and C_Decrypt as the module. */
  @Test
  void rsaKey_generateWithoutCar_thenSignAndDecryptAsTheModule() throws Exception {
    KeyTestCard t = KeyTestCard.loggedIn();
    int id = generate(t, rsaRequest(2048), 0x30);
    assertThat(requestBody(t, id)).extracting(Tlv::tag)
        .containsExactly(Cvc.TAG_CPI, Cvc.TAG_PUBLIC_KEY, Cvc.TAG_CHR);
    RSAPublicKey pub = (RSAPublicKey) t.publicKey(id);
    int k = 256;

    // CKM_RSA_PKCS: the module pads 00 01 FF.. 00 DigestInfo itself and sends 20, Ne 65536
    byte[] digestInfo = concat(hex("3031300d060960864801650304020105000420"),
        sha("SHA-256", MESSAGE));
    byte[] block = new byte[k];
    block[1] = 1;
    Arrays.fill(block, 2, k - digestInfo.length - 1, (byte) 0xFF);
    System.arraycopy(digestInfo, 0, block, k - digestInfo.length, digestInfo.length);
    byte[] sig = send(t, 0x80, 0x68, id, 0x20, block, 0x10000).ok().data();
    assertThat(verify("SHA256withRSA", pub, MESSAGE, sig)).isTrue();
    // CKM_SHA1_RSA_PKCS (31), CKM_SHA256_RSA_PKCS (33): the whole message, the card hashes
    sig = send(t, 0x80, 0x68, id, 0x31, MESSAGE, 0x10000).ok().data();
    assertThat(verify("SHA1withRSA", pub, MESSAGE, sig)).isTrue();
    sig = send(t, 0x80, 0x68, id, 0x33, MESSAGE, 0x10000).ok().data();
    assertThat(verify("SHA256withRSA", pub, MESSAGE, sig)).isTrue();
    // CKM_SC_HSM_PSS_SHA256 / CKM_RSA_PKCS_PSS: 40 with the 32-byte hash
    sig = send(t, 0x80, 0x68, id, 0x40, sha("SHA-256", MESSAGE), 0x10000).ok().data();
    assertThat(verifyPss("SHA-256", pub, MESSAGE, sig)).isTrue();
    // CKM_SHA1_RSA_PKCS_PSS (41), CKM_SHA256_RSA_PKCS_PSS (43): the message
    sig = send(t, 0x80, 0x68, id, 0x41, MESSAGE, 0x10000).ok().data();
    assertThat(verifyPss("SHA-1", pub, MESSAGE, sig)).isTrue();
    sig = send(t, 0x80, 0x68, id, 0x43, MESSAGE, 0x10000).ok().data();
    assertThat(verifyPss("SHA-256", pub, MESSAGE, sig)).isTrue();

    // C_Decrypt(CKM_RSA_PKCS): 62 .. 21, extended (Lc 256, Le 00 00); the module strips 00 02
    Cipher enc = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    enc.init(Cipher.ENCRYPT_MODE, pub);
    byte[] secret = "the module strips the padding".getBytes(StandardCharsets.US_ASCII);
    byte[] plain = send(t, 0x80, 0x62, id, 0x21, enc.doFinal(secret), 0).ok().data();
    assertThat(plain).hasSize(k);
    assertThat(plain[0]).isZero();
    assertThat(plain[1]).isEqualTo((byte) 2);
    assertThat(Arrays.copyOfRange(plain, k - secret.length, k)).isEqualTo(secret);
    assertThat(plain[k - secret.length - 1]).isZero();
    assertThat(new BigInteger(1, plain)).isLessThan(pub.getModulus());
  }

  static boolean verify(String alg, PublicKey key, byte[] data, byte[] sig) throws Exception {
    Signature s = Signature.getInstance(alg);
    s.initVerify(key);
    s.update(data);
    return s.verify(sig);
  }

  static boolean verifyPss(String hash, PublicKey key, byte[] data, byte[] sig)
      throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    int len = MessageDigest.getInstance(hash).getDigestLength();
    s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), len, 1));
    s.initVerify(key);
    s.update(data);
    return s.verify(sig);
  }

  /**
   * {@code sc_hsm_logout} selects the applet and asks the PIN status; a key operation after it is
   * 6982, which the module reports as CKR_USER_NOT_LOGGED_IN.
   */
  @Test
  void logout_selectThenStatus_endsTheLogin() {
    KeyTestCard t = KeyTestCard.loggedIn();
    int id = generate(t, ecRequest(Curve.SECP256R1), 0xA0);
    send(t, 0x00, 0xA4, 0x04, 0x04, hex(AID), 0).ok();
    assertThat(pinStatus(t, 0x81)).isEqualTo(0x63C3);
    assertThat(send(t, 0x80, 0x68, id, 0x70, new byte[32], 0).sw()).isEqualTo(0x6982);
  }

  /**
   * Certificates and CA certificates: {@code C_CreateObject} writes {@code CE<id>} (the EE
   * certificate next to a key), {@code C8<id>} (certificate description) and {@code CA<id>};
   * {@code sc_hsm_loadObjects} finds CA certificates by their {@code CA} prefix in ENUMERATE;
   * {@code C_DestroyObject} deletes with E4 02 00.
   */
  @Test
  void certificates_writtenListedReadAndDeleted() {
    KeyTestCard t = KeyTestCard.loggedIn();
    int id = generate(t, ecRequest(Curve.SECP256R1), 0xA0);
    byte[] cert = new byte[1500];
    cert[0] = 0x30;
    cert[1] = (byte) 0x82;
    cert[2] = (byte) ((cert.length - 4) >> 8);
    cert[3] = (byte) (cert.length - 4);
    Arrays.fill(cert, 4, cert.length, (byte) 0x5A);
    // writeEF: blocks of maxCAPDU - 15
    writeEf(t, 0xCE00 | id, cert, 1000);
    assertThat(readEf(t, 0xCE00 | id).ok().data()).isEqualTo(cert);
    byte[] cd = new TlvWriter().nest(0x30, w -> w.nest(0x30, c -> c.add(0x0C, "CA"))
        .nest(0x30, c -> c.add(0x04, new byte[] {1}))).toByteArray();
    writeEf(t, 0xC801, cd, 1000);
    writeEf(t, 0xCA01, cert, 1000);
    assertThat(enumerate(t)).contains(0xC801, 0xCA01, 0xCE00 | id);
    assertThat(readEf(t, 0xC801).ok().data()).isEqualTo(cd);
    assertThat(readEf(t, 0xCA01).ok().data()).isEqualTo(cert);

    assertThat(send(t, 0x00, 0xE4, 0x02, 0x00, hex("CA01"), -1).sw()).isEqualTo(0x9000);
    assertThat(readEf(t, 0xCA01).sw()).isEqualTo(0x6A82);
    assertThat(enumerate(t)).doesNotContain(0xCA01);
  }
}
