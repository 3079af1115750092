package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.TestCard;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.cvc.Cvc;
import io.hsmkit.card.InstallationRoot;
import io.hsmkit.card.state.MemoryStateStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Public key authentication (docs/protocol.md#pka) between two in-JVM cards of one installation
 * root, driven with the APDUs sc-hsm-tool sends (card-sc-hsm.c {@code sc_hsm_register_public_key},
 * {@code verify_certificate}).
 */
class PublicKeyAuthenticationTest {
  static final String SO = "3537363231383830";

  InstallationRoot root;
  KeyTestCard a;
  KeyTestCard b;

  @BeforeEach
  void cards() {
    CardCrypto crypto = new CardCrypto(new SecureRandom());
    root = InstallationRoot.create(crypto, LocalDate.now());
    a = new KeyTestCard(CardOs.inMemory(TestCard.env(), root), false, false);
    b = new KeyTestCard(CardOs.inMemory(TestCard.env(), root), true, true);
  }

  static byte[] h(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  static String hx(byte[] b) {
    return HexFormat.of().formatHex(b).toUpperCase();
  }

  KeyTestCard.Reply initializePka(KeyTestCard t, int m, int n) {
    String data = "80020001" + "8106" + hx(KeyTestCard.PIN) + "8208" + SO + "910103"
        + String.format("9302%02X%02X", m, n);
    return t.send(h("80500000" + String.format("%02X", data.length() / 2) + data));
  }

  /** Short or, for more than 255 bytes, extended, as OpenSC encodes it. */
  static byte[] apdu(String head, byte[] data) {
    String lc = data.length < 256 ? String.format("%02X", data.length)
        : String.format("00%04X", data.length);
    return h(head + lc + hx(data));
  }

  static byte[] apdu(String head, byte[] data, int le) {
    if (data.length < 256) {
      return h(head + String.format("%02X", data.length) + hx(data) + String.format("%02X", le));
    }
    return h(head + String.format("00%04X", data.length) + hx(data) + String.format("%04X", le));
  }

  static byte[] chrTlv(String chr) {
    byte[] c = chr.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[c.length + 2];
    out[0] = (byte) 0x83;
    out[1] = (byte) c.length;
    System.arraycopy(c, 0, out, 2, c.length);
    return out;
  }

  /** What sc-hsm-tool's verify_certificate sends for one CVC; the SW of the last APDU sent. */
  int verifyCertificate(KeyTestCard t, byte[] cvcTlv) throws Exception {
    Tlv cvc = Tlv.parseFirst(cvcTlv);
    List<Tlv> body = Tlv.find(cvc.children(), Cvc.TAG_BODY).orElseThrow().children();
    String chr = new String(Tlv.find(body, Cvc.TAG_CHR).orElseThrow().value(), StandardCharsets.US_ASCII);
    String car = new String(Tlv.find(body, Cvc.TAG_CAR).orElseThrow().value(), StandardCharsets.US_ASCII);
    if (t.send(apdu("002281B6", chrTlv(chr))).sw() == 0x9000) {
      return 0x9000;
    }
    int sw = t.send(apdu("002281B6", chrTlv(car))).sw();
    if (sw != 0x9000) {
      return sw;
    }
    return t.send(apdu("002A00BE", cvc.value())).sw();
  }

  /** The CVCs of EF 2F02: device, then DICA. */
  static byte[][] devAut(KeyTestCard t) throws Exception {
    byte[] f = t.card.state().file(0x2F02);
    int n = Tlv.encodedLength(f);
    return new byte[][] {Arrays.copyOf(f, n), Arrays.copyOfRange(f, n, f.length)};
  }

  /** The steps of sc_hsm_register_public_key for card {@code from}'s request; the final reply. */
  KeyTestCard.Reply register(KeyTestCard to, KeyTestCard from, byte[] request) throws Exception {
    byte[][] chain = devAut(from);
    assertThat(Integer.toHexString(verifyCertificate(to, chain[1]))).isEqualTo("9000");
    assertThat(Integer.toHexString(verifyCertificate(to, chain[0]))).isEqualTo("9000");
    Tlv req = Tlv.parseFirst(request);
    byte[] outerCar = Tlv.find(req.children(), Cvc.TAG_CAR).orElseThrow().value();
    to.send(apdu("002281B6", chrTlv(new String(outerCar, StandardCharsets.US_ASCII)))).ok();
    return to.send(apdu("80540000", req.value(), 4));
  }

  static String chrOfRequest(byte[] request) throws Exception {
    Tlv req = Tlv.parseFirst(request);
    Tlv cvc = Tlv.find(req.children(), Cvc.TAG_CVC).orElseThrow();
    return Cvc.chrOf(cvc.encode());
  }

  /** Card {@code signer}'s key {@code keyId} signs SHA-256(device CHR of {@code to} || challenge). */
  byte[] authenticationSignature(KeyTestCard signer, int keyId, KeyTestCard to, byte[] challenge)
      throws Exception {
    byte[] msg = ExternalAuthenticateCommand.signedData(to.card.deviceChr(), challenge);
    byte[] der = signer.send(KeyTestCard.extended(0x80, 0x68, keyId, 0x73, msg, 0)).ok().data();
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
    BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
    byte[] rs = new byte[64];
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, r), 0, rs, 0, 32);
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, s), 0, rs, 32, 32);
    return rs;
  }

  int authenticate(KeyTestCard to, String chr, KeyTestCard signer, int keyId) throws Exception {
    to.send(apdu("002281A4", chrTlv(chr))).ok();
    byte[] challenge = to.send(h("0084000008")).ok().data();
    return to.send(apdu("00820000", authenticationSignature(signer, keyId, to, challenge))).sw();
  }

  @Test
  void status_onCardWithoutPka_answers6D00() {
    a.send(h("8050000019" + "80020001" + "8106" + hx(KeyTestCard.PIN) + "8208" + SO + "910103"))
        .ok();
    assertThat(a.send(h("8054000004")).sw()).isEqualTo(0x6D00);
    assertThat(a.send(h("8054000004")).data()).isEmpty();
  }

  @Test
  void initialize_badCounts_answer6A80() {
    assertThat(initializePka(a, 2, 3).sw()).isEqualTo(0x6A80);
    assertThat(initializePka(a, 0, 0).sw()).isEqualTo(0x6A80);
    assertThat(initializePka(a, 91, 1).sw()).isEqualTo(0x6A80);
    assertThat(a.card.state().initialized()).isFalse();
  }

  @Test
  void registerAndAuthenticate_oneOfOne_logsIn() throws Exception {
    initializePka(a, 1, 1).ok();
    assertThat(hx(a.send(h("8054000004")).ok().data())).isEqualTo("01010100");
    byte[] request = b.generateEc(1, Curve.SECP256R1);

    assertThat(hx(register(a, b, request).ok().data())).isEqualTo("01000100");
    assertThat(hx(a.send(h("8054000004")).ok().data())).isEqualTo("01000100");
    assertThat(a.send(h("00200081")).sw()).isNotEqualTo(0x9000);

    String chr = chrOfRequest(request);
    assertThat(authenticate(a, chr, b, 1)).isEqualTo(0x9000);
    assertThat(hx(a.send(h("8054000004")).ok().data())).isEqualTo("01000101");
    assertThat(a.send(h("00200081")).sw()).isEqualTo(0x9000);
    // logged in as with the PIN: the card generates a key, which needs the master key
    a.generateEc(2, Curve.SECP256R1);

    a.logout(); // SELECT clears the PKA state with the login
    assertThat(hx(a.send(h("8054000004")).ok().data())).isEqualTo("01000100");
    assertThat(a.send(h("00200081")).sw()).isNotEqualTo(0x9000);
  }

  @Test
  void twoOfTwo_needsBothKeys() throws Exception {
    initializePka(a, 2, 2).ok();
    KeyTestCard c = new KeyTestCard(CardOs.inMemory(TestCard.env(), root), true, true);
    byte[] r1 = b.generateEc(1, Curve.SECP256R1);
    byte[] r2 = c.generateEc(1, Curve.BRAINPOOLP256R1);
    assertThat(hx(register(a, b, r1).ok().data())).isEqualTo("02010200");
    // OpenSC names every key of a card serial || "00001": one key per card and CHR
    byte[] again = b.generateEc(2, Curve.SECP256R1);
    assertThat(register(a, b, again).sw()).isEqualTo(0x6A89);
    assertThat(hx(register(a, c, r2).ok().data())).isEqualTo("02000200");
    KeyTestCard d = new KeyTestCard(CardOs.inMemory(TestCard.env(), root), true, true);
    assertThat(register(a, d, d.generateEc(1, Curve.SECP256R1)).sw()).isEqualTo(0x6A84);

    assertThat(authenticate(a, chrOfRequest(r1), b, 1)).isEqualTo(0x9000);
    assertThat(a.send(h("00200081")).sw()).isNotEqualTo(0x9000);
    assertThat(hx(a.send(h("8054000004")).ok().data())).isEqualTo("02000201");
    assertThat(authenticate(a, chrOfRequest(r2), c, 1)).isEqualTo(0x9000);
    assertThat(a.send(h("00200081")).sw()).isEqualTo(0x9000);
  }

  @Test
  void register_sameRequestTwice_answers6A89() throws Exception {
    initializePka(a, 2, 1).ok();
    byte[] r1 = b.generateEc(1, Curve.SECP256R1);
    register(a, b, r1).ok();
    assertThat(register(a, b, r1).sw()).isEqualTo(0x6A89);
  }

  @Test
  void externalAuthenticate_wrongKeyOrNoChallenge_isRefused() throws Exception {
    initializePka(a, 1, 1).ok();
    byte[] r1 = b.generateEc(1, Curve.SECP256R1);
    b.generateEc(2, Curve.SECP256R1);
    register(a, b, r1).ok();
    String chr = chrOfRequest(r1);
    assertThat(authenticate(a, chr, b, 2)).isEqualTo(0x6982); // signed by an unregistered key
    a.send(apdu("002281A4", chrTlv(chr))).ok();
    byte[] challenge = a.send(h("0084000008")).ok().data();
    byte[] sig = authenticationSignature(b, 1, a, challenge);
    assertThat(a.send(apdu("00820000", sig)).sw()).isEqualTo(0x9000);
    a.logout();
    a.send(apdu("002281A4", chrTlv(chr))).ok();
    assertThat(a.send(apdu("00820000", sig)).sw()).isEqualTo(0x6985); // no challenge: no replay
    assertThat(a.send(apdu("002281A4", chrTlv("ZZNOSUCHKEY00001"))).sw()).isEqualTo(0x6A88);
  }

  @Test
  void register_cardOfAnotherInstallation_isRefused() throws Exception {
    initializePka(a, 1, 1).ok();
    KeyTestCard stranger = KeyTestCard.loggedIn(); // its own root
    byte[] request = stranger.generateEc(1, Curve.SECP256R1);
    byte[][] chain = devAut(stranger);
    assertThat(Integer.toHexString(verifyCertificate(a, chain[1]))).isEqualTo("6a88");
    assertThat(Integer.toHexString(verifyCertificate(a, chain[0]))).isEqualTo("6a88");
    Tlv req = Tlv.parseFirst(request);
    assertThat(a.send(apdu("002281B6", chrTlv(stranger.card.deviceChr()))).sw()).isEqualTo(0x6A88);
    assertThat(a.send(apdu("80540000", req.value(), 4)).sw()).isEqualTo(0x6985);
  }

  @Test
  void register_tamperedRequest_answers6982() throws Exception {
    initializePka(a, 1, 1).ok();
    byte[] request = b.generateEc(1, Curve.SECP256R1);
    request[request.length - 1] ^= 1; // the outer signature
    assertThat(register(a, b, request).sw()).isEqualTo(0x6982);
    assertThat(hx(a.send(h("8054000004")).ok().data())).isEqualTo("01010100");
  }

  @Test
  void verifyCertificate_withDeviceKeyAsIssuer_isRefused() throws Exception {
    initializePka(a, 1, 1).ok();
    byte[][] chain = devAut(b);
    verifyCertificate(a, chain[1]);
    verifyCertificate(a, chain[0]);
    a.send(apdu("002281B6", chrTlv(b.card.deviceChr()))).ok();
    Tlv cvc = Tlv.parseFirst(chain[0]);
    assertThat(a.send(apdu("002A00BE", cvc.value())).sw()).isEqualTo(0x6985);
  }

  @Test
  void registeredKeys_survive_restartAndAreWipedByInitialize() throws Exception {
    initializePka(a, 1, 1).ok();
    byte[] request = b.generateEc(1, Curve.SECP256R1);
    register(a, b, request).ok();
    KeyTestCard again =
        new KeyTestCard(new CardOs(new MemoryStateStore(
            io.hsmkit.card.state.StateCodec.decode(
                io.hsmkit.card.state.StateCodec.encode(a.card.state(), 1), "t").state()),
            TestCard.env()), false, false);
    assertThat(hx(again.send(h("8054000004")).ok().data())).isEqualTo("01000100");
    assertThat(authenticate(again, chrOfRequest(request), b, 1)).isEqualTo(0x9000);
    assertThat(again.card.state().trustAnchor()).isEqualTo(root.rootCvc());

    initializePka(again, 1, 1).ok();
    assertThat(hx(again.send(h("8054000004")).ok().data())).isEqualTo("01010100");
  }

  /**
   * Mutated certificates and requests (seeded: flipped bytes, truncations, insertions) never make
   * the card fail (6F00) and never register anything.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void mutatedChainsAndRequests_areRefusedCleanly(long seed) throws Exception {
    initializePka(a, 1, 1).ok();
    byte[] request = b.generateEc(1, Curve.SECP256R1);
    byte[][] chain = devAut(b);
    java.util.Random rnd = new java.util.Random(seed);
    for (int i = 0; i < 40; i++) {
      a.logout();
      int which = rnd.nextInt(3);
      byte[] dica = Tlv.parseFirst(chain[1]).value();
      byte[] dev = Tlv.parseFirst(chain[0]).value();
      byte[] req = Tlv.parseFirst(request).value();
      byte[] target = which == 0 ? dica : which == 1 ? dev : req;
      byte[] bad = mutate(target, rnd);
      byte[][] parts = {which == 0 ? bad : dica, which == 1 ? bad : dev, which == 2 ? bad : req};
      int[] sws = new int[5];
      sws[0] = a.send(apdu("002281B6", chrTlv(Cvc.chrOf(root.rootCvc())))).sw();
      sws[1] = a.send(apdu("002A00BE", parts[0])).sw();
      a.send(apdu("002281B6", chrTlv(Cvc.chrOf(root.dicaCvc()))));
      sws[2] = a.send(apdu("002A00BE", parts[1])).sw();
      sws[3] = a.send(apdu("002281B6", chrTlv(b.card.deviceChr()))).sw();
      sws[4] = a.send(apdu("80540000", parts[2], 4)).sw();
      for (int sw : sws) {
        assertThat(sw).as("seed %d round %d", seed, i).isNotEqualTo(0x6F00);
      }
      if (sws[4] == 0x9000) {
        // a mutation that keeps every signature valid can only be in unsigned bytes
        assertThat(Arrays.equals(bad, target)).isFalse();
        initializePka(a, 1, 1).ok();
      }
    }
    assertThat(hx(a.send(h("8054000004")).ok().data())).isIn("01010100", "01000100");
  }

  static byte[] mutate(byte[] in, java.util.Random rnd) {
    byte[] b = in.clone();
    switch (rnd.nextInt(3)) {
      case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
      default -> {
        int at = rnd.nextInt(b.length + 1);
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = (byte) rnd.nextInt(256);
        System.arraycopy(b, at, c, at + 1, b.length - at);
        b = c;
      }
    }
    return b;
  }

  @Test
  void cardsOfOneRoot_shareTheDicaAndTrustAnchor() throws Exception {
    assertThat(devAut(a)[1]).isEqualTo(devAut(b)[1]).isEqualTo(root.dicaCvc());
    assertThat(a.card.state().trustAnchor()).isEqualTo(root.rootCvc());
    assertThat(Cvc.chrOf(root.rootCvc())).startsWith("ZZHKR");
  }
}
