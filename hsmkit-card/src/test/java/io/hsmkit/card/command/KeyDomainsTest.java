package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.dkek.Dkek;
import io.hsmkit.card.dkek.KeyBlob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Key domains (docs/protocol.md#key-domains): MANAGE KEY DOMAIN, tag 92, WRAP/UNWRAP by domain. */
class KeyDomainsTest {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] A = SealedCards.share(0x11);
  static final byte[] B = SealedCards.share(0x22);
  static final byte[] C = SealedCards.share(0x33);

  /** INITIALIZE with {@code 92 01 shares} (null: none) and {@code 97 01 slots}, logged in. */
  static KeyTestCard card(Integer shares, int slots) {
    KeyTestCard t = KeyTestCard.factoryNew();
    initialize(t, shares, slots).ok();
    t.login();
    return t;
  }

  static KeyTestCard.Reply initialize(KeyTestCard t, Integer shares, int slots) {
    String pin = HEX.formatHex("648219".getBytes(StandardCharsets.US_ASCII));
    String data = "80020001" + "8106" + pin + "8208" + SealedCards.SO_PIN_HEX + "910103"
        + (shares == null ? "" : "9201" + String.format("%02X", shares))
        + "9701" + String.format("%02X", slots);
    return t.send(KeyTestCard.hex("80500000" + String.format("%02X", data.length() / 2) + data));
  }

  static KeyTestCard.Reply manage(KeyTestCard t, int p1, int p2, String data) {
    String lc = data.isEmpty() ? "" : String.format("%02X", data.length() / 2);
    return t.send(KeyTestCard.hex(String.format("8052%02X%02X", p1, p2) + lc + data + "00"));
  }

  static KeyTestCard.Reply create(KeyTestCard t, int d, int shares) {
    return manage(t, 1, d, String.format("%02X", shares));
  }

  static KeyTestCard.Reply importShare(KeyTestCard t, int d, byte[] share) {
    return manage(t, 0, d, HEX.formatHex(share));
  }

  static KeyTestCard.Reply status(KeyTestCard t, int d) {
    return manage(t, 0, d, "");
  }

  /** OpenSC's EC request with {@code 92 01 d} appended. */
  static KeyTestCard.Reply generateIn(KeyTestCard t, int id, int d) {
    byte[] req = t.openScEcRequest(Curve.SECP256R1);
    byte[] withDomain = Arrays.copyOf(req, req.length + 3);
    withDomain[req.length] = (byte) 0x92;
    withDomain[req.length + 1] = 1;
    withDomain[req.length + 2] = (byte) d;
    return t.generate(id, withDomain);
  }

  static KeyTestCard.Reply wrap(KeyTestCard t, int id) {
    return t.send(KeyTestCard.extended(0x80, 0x72, id, 0x92, new byte[0], 0));
  }

  static KeyTestCard.Reply unwrap(KeyTestCard t, int id, byte[] blob) {
    return t.send(KeyTestCard.extended(0x80, 0x74, id, 0x93, blob, 0));
  }

  static String statusHex(int total, int outstanding, byte[] kcv) {
    return String.format("%02x%02x", total, outstanding) + HEX.formatHex(kcv);
  }

  /** Domain 0 (A) and domain 1 (B), both complete, logged in. */
  static KeyTestCard twoDomains() {
    KeyTestCard t = card(1, 3);
    importShare(t, 0, A).ok();
    create(t, 1, 1).ok();
    importShare(t, 1, B).ok();
    return t;
  }

  @Test
  void statusAndKcv_afterNSharesPerDomain() {
    KeyTestCard t = card(1, 3);
    byte[] zero = new byte[32];
    assertThat(HEX.formatHex(create(t, 1, 2).ok().data())).isEqualTo(statusHex(2, 2, Dkek.kcv(zero)));
    assertThat(HEX.formatHex(importShare(t, 1, A).ok().data())).isEqualTo(statusHex(2, 1, Dkek.kcv(A)));
    assertThat(HEX.formatHex(importShare(t, 1, B).ok().data()))
        .isEqualTo(statusHex(2, 0, Dkek.kcv(Dkek.combine(A, B))));
    create(t, 2, 1).ok();
    importShare(t, 2, C).ok();
    assertThat(HEX.formatHex(status(t, 2).ok().data())).isEqualTo(statusHex(1, 0, Dkek.kcv(C)));
    assertThat(HEX.formatHex(status(t, 1).ok().data()))
        .isEqualTo(statusHex(2, 0, Dkek.kcv(Dkek.combine(A, B))));
    // domain 0 is the DKEK, untouched: the sc-hsm-tool status APDU and answer as before
    assertThat(HEX.formatHex(t.send(KeyTestCard.hex("8052000000")).ok().data()))
        .isEqualTo(statusHex(1, 1, Dkek.kcv(zero)));
    assertThat(importShare(t, 1, C).sw()).isEqualTo(0x6986); // all shares in
  }

  @Test
  void status_withoutPin_and_importIntoDomainAbove0_needsPin() {
    KeyTestCard t = card(1, 2);
    create(t, 1, 2).ok();
    t.logout();
    assertThat(status(t, 1).ok().data()[1]).isEqualTo((byte) 2);
    assertThat(importShare(t, 1, A).sw()).isEqualTo(0x6982);
    assertThat(create(t, 0, 1).sw()).isEqualTo(0x6A89); // used slot is checked before the PIN
    assertThat(manage(t, 3, 1, "").sw()).isEqualTo(0x6982);
    assertThat(manage(t, 4, 1, "").sw()).isEqualTo(0x6982);
    assertThat(create(t, 1, 1).sw()).isEqualTo(0x6A89);
    t.login();
    assertThat(importShare(t, 1, A).ok().data()[1]).isEqualTo((byte) 1);
  }

  @Test
  void repeatedOrZeroShare_isRefused() {
    KeyTestCard t = card(null, 2);
    create(t, 1, 3).ok();
    importShare(t, 1, A).ok();
    assertThat(importShare(t, 1, A).sw()).isEqualTo(0x6A80);
    assertThat(importShare(t, 1, new byte[32]).sw()).isEqualTo(0x6A80);
    assertThat(status(t, 1).ok().data()[1]).isEqualTo((byte) 2);
  }

  @Test
  void isolation_aDomain1KeyWrapsUnderDomain1Only() throws Exception {
    KeyTestCard t = twoDomains();
    generateIn(t, 1, 1).ok();
    t.generateEc(2, Curve.SECP256R1);
    assertThat(t.card.state().keyDomain(1)).isEqualTo(1);
    assertThat(t.card.state().keyDomain(2)).isZero();
    byte[] blob1 = wrap(t, 1).ok().data();
    byte[] blob2 = wrap(t, 2).ok().data();
    assertThat(Arrays.copyOf(blob1, 8)).isEqualTo(Dkek.kcv(B));
    assertThat(Arrays.copyOf(blob2, 8)).isEqualTo(Dkek.kcv(A));
    // the blob of the domain-1 key neither decrypts nor verifies under domain 0's DKEK
    assertThatThrownBy(() -> KeyBlob.unwrap(blob1, A, 5)).isInstanceOf(KeyBlob.InvalidBlobException.class);
    byte[] relabelled = blob1.clone();
    System.arraycopy(Dkek.kcv(A), 0, relabelled, 0, 8);
    assertThatThrownBy(() -> KeyBlob.unwrap(relabelled, A, 5)).isInstanceOf(KeyBlob.InvalidBlobException.class);
    assertThat(KeyBlob.unwrap(blob1, B, 5).publicKey()).isEqualTo(t.key(1).publicKey());

    // a card with only domain 0's DKEK cannot unwrap it
    KeyTestCard only0 = card(1, 1);
    importShare(only0, 0, A).ok();
    assertThat(unwrap(only0, 1, blob1).sw()).isEqualTo(0x6A80);
    assertThat(unwrap(only0, 1, relabelled).sw()).isEqualTo(0x6A80);
    assertThat(only0.key(1)).isNull();
    assertThat(unwrap(only0, 2, blob2).sw()).isEqualTo(0x9000);

    // a card with domain 1 = B unwraps it into domain 1, and wraps it under B again
    KeyTestCard other = twoDomains();
    unwrap(other, 7, blob1).ok();
    assertThat(other.key(7).publicKey()).isEqualTo(t.key(1).publicKey());
    assertThat(other.card.state().keyDomain(7)).isEqualTo(1);
    assertThat(Arrays.copyOf(wrap(other, 7).ok().data(), 8)).isEqualTo(Dkek.kcv(B));
    unwrap(other, 8, blob2).ok();
    assertThat(other.card.state().keyDomain(8)).isZero();
  }

  @Test
  void unwrap_intoDomainOnlyCard_withoutDkek() {
    KeyTestCard t = twoDomains();
    generateIn(t, 1, 1).ok();
    byte[] blob = wrap(t, 1).ok().data();
    KeyTestCard noDkek = card(null, 2);
    assertThat(unwrap(noDkek, 1, blob).sw()).isEqualTo(0x6D00); // no domain yet: the DKEK's answer
    create(noDkek, 1, 1).ok();
    importShare(noDkek, 1, B).ok();
    unwrap(noDkek, 1, blob).ok();
    assertThat(noDkek.card.state().keyDomain(1)).isEqualTo(1);
    assertThat(unwrap(noDkek, 2, new byte[40]).sw()).isEqualTo(0x6D00); // no DKEK for domain 0
  }

  @Test
  void wrap_domainWithoutCompleteKek_answers6985() {
    KeyTestCard t = card(1, 2);
    create(t, 1, 2).ok();
    generateIn(t, 1, 1).ok();
    assertThat(wrap(t, 1).sw()).isEqualTo(0x6985);
    importShare(t, 1, A).ok();
    assertThat(wrap(t, 1).sw()).isEqualTo(0x6985);
    importShare(t, 1, B).ok();
    wrap(t, 1).ok();
    assertThat(HEX.formatHex(manage(t, 4, 1, "").ok().data()))
        .isEqualTo(statusHex(2, 2, Dkek.kcv(new byte[32])));
    assertThat(wrap(t, 1).sw()).isEqualTo(0x6985); // cleared
  }

  @Test
  void generate_intoEmptyOrMissingSlot_answers6A88() {
    KeyTestCard t = card(1, 3);
    assertThat(generateIn(t, 1, 1).sw()).isEqualTo(0x6A88);
    assertThat(generateIn(t, 1, 9).sw()).isEqualTo(0x6A88);
    assertThat(t.key(1)).isNull();
    assertThat(t.send(KeyTestCard.hex("00480" + "1B0" + "03" + "920101")).sw()).isEqualTo(0x6A88);
    create(t, 1, 1).ok();
    t.send(KeyTestCard.hex("004801B0" + "03" + "920101")).ok();
    assertThat(t.card.state().keyDomain(1)).isEqualTo(1);
    assertThat(t.send(KeyTestCard.hex("004802B0" + "04" + "92020101")).sw()).isEqualTo(0x6A80);
    generateIn(t, 3, 0).ok(); // 92 01 00: domain 0, the DKEK
    assertThat(t.card.state().keyDomain(3)).isZero();
  }

  @Test
  void delete_refusedWhileAKeyUsesTheDomain() {
    KeyTestCard t = twoDomains();
    generateIn(t, 1, 1).ok();
    assertThat(manage(t, 3, 1, "").sw()).isEqualTo(0x6985);
    t.send(KeyTestCard.hex("00E4020002CC01")).ok();
    manage(t, 3, 1, "").ok();
    assertThat(status(t, 1).sw()).isEqualTo(0x6A88);
    assertThat(t.card.state().domain(1)).isNull();
    create(t, 1, 1).ok(); // the slot is free again
    // domain 0 with a key of domain 0 is refused as well
    t.generateEc(2, Curve.SECP256R1);
    assertThat(manage(t, 3, 0, "").sw()).isEqualTo(0x6985);
  }

  @Test
  void domain0_canBeCreatedOnACardWithoutDkek_andThenIsTheDkek() {
    KeyTestCard t = card(null, 1);
    assertThat(t.send(KeyTestCard.hex("8052000000")).sw()).isEqualTo(0x6D00);
    create(t, 0, 1).ok();
    assertThat(HEX.formatHex(t.send(KeyTestCard.hex("8052000020" + HEX.formatHex(A) + "00")).ok().data()))
        .isEqualTo(statusHex(1, 0, Dkek.kcv(A)));
    assertThat(t.card.state().dkekComplete()).isTrue();
    manage(t, 3, 0, "").ok();
    assertThat(t.send(KeyTestCard.hex("8052000000")).sw()).isEqualTo(0x6D00);
  }

  @Test
  void restart_keepsDomainsAndKeyDomains(@TempDir Path dir) throws Exception {
    byte[] blob;
    try (var c = new AutoCloseableCard(SealedCards.open(dir))) {
      KeyTestCard t = c.t;
      initialize(t, 1, 4).ok();
      t.login();
      create(t, 2, 2).ok();
      importShare(t, 2, A).ok();
      importShare(t, 2, B).ok();
      create(t, 3, 2).ok();
      importShare(t, 3, C).ok();
      generateIn(t, 5, 2).ok();
      blob = wrap(t, 5).ok().data();
    }
    try (var c = new AutoCloseableCard(SealedCards.open(dir))) {
      KeyTestCard t = c.t;
      assertThat(HEX.formatHex(status(t, 2).ok().data()))
          .isEqualTo(statusHex(2, 0, Dkek.kcv(Dkek.combine(A, B))));
      assertThat(HEX.formatHex(status(t, 3).ok().data())).isEqualTo(statusHex(2, 1, Dkek.kcv(C)));
      assertThat(status(t, 1).sw()).isEqualTo(0x6A88);
      assertThat(status(t, 4).sw()).isEqualTo(0x6A86);
      assertThat(t.card.state().keyDomainSlots()).isEqualTo(4);
      assertThat(t.card.state().keyDomain(5)).isEqualTo(2);
      t.login();
      assertThat(Arrays.copyOf(wrap(t, 5).ok().data(), 8)).isEqualTo(Arrays.copyOf(blob, 8));
      importShare(t, 3, A).ok(); // the sealed accumulator survived: C ^ A
      assertThat(Arrays.copyOfRange(status(t, 3).ok().data(), 2, 10))
          .isEqualTo(Dkek.kcv(Dkek.combine(C, A)));
    }
  }

  @Test
  void initialize_wipesDomains_and_refusesBadTag97() {
    KeyTestCard t = twoDomains();
    generateIn(t, 1, 1).ok();
    assertThat(initialize(t, 1, 0).sw()).isEqualTo(0x6A80);
    KeyTestCard.Reply bad = t.send(KeyTestCard.hex("8050000003" + "97020001"));
    assertThat(bad.sw()).isIn(0x6A80, 0x6700);
    initialize(t, 1, 2).ok();
    assertThat(t.card.state().domains()).isEmpty();
    assertThat(t.card.state().keyDomains()).isEmpty();
    t.login();
    assertThat(status(t, 1).sw()).isEqualTo(0x6A88);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x05, 0x10, 0x52, 0x80, 0xFF})
  void hostileP1_answers6A86(int p1) {
    KeyTestCard t = twoDomains();
    assertThat(manage(t, p1, 1, "").sw()).isEqualTo(0x6A86);
    assertThat(manage(t, p1, 0, "01").sw()).isEqualTo(0x6A86);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 0x80, 0xFF})
  void p2BeyondTheSlots_answers6A86(int p2) {
    KeyTestCard t = twoDomains();
    for (int p1 = 0; p1 <= 4; p1++) {
      assertThat(manage(t, p1, p2, p1 == 1 ? "01" : "").sw()).as("P1 %d", p1).isEqualTo(0x6A86);
    }
  }

  @Test
  void cardWithoutTag97_hasOnlyDomain0() {
    KeyTestCard t = KeyTestCard.loggedIn();
    assertThat(manage(t, 0, 1, "").sw()).isEqualTo(0x6A86);
    assertThat(create(t, 1, 1).sw()).isEqualTo(0x6A86);
    assertThat(generateIn(t, 1, 1).sw()).isEqualTo(0x6A88);
  }

  @Test
  void hostileLengths() {
    KeyTestCard t = card(1, 3);
    assertThat(manage(t, 1, 1, "").sw()).isEqualTo(0x6700);
    assertThat(manage(t, 1, 1, "0101").sw()).isEqualTo(0x6700);
    assertThat(create(t, 1, 0).sw()).isEqualTo(0x6A80);
    assertThat(manage(t, 2, 1, "00").sw()).isEqualTo(0x6A81); // XKEK: not emulated
    create(t, 1, 2).ok();
    assertThat(manage(t, 0, 1, "0102").sw()).isEqualTo(0x6700);
    assertThat(manage(t, 0, 1, HEX.formatHex(new byte[33])).sw()).isEqualTo(0x6700);
    assertThat(manage(t, 3, 1, "00").sw()).isEqualTo(0x6700);
    assertThat(manage(t, 4, 1, "00").sw()).isEqualTo(0x6700);
    assertThat(status(t, 1).ok().data()[1]).isEqualTo((byte) 2);
    assertThat(manage(t, 0, 2, "").sw()).isEqualTo(0x6A88);
    assertThat(manage(t, 3, 2, "").sw()).isEqualTo(0x6A88);
    assertThat(manage(t, 4, 2, "").sw()).isEqualTo(0x6A88);
    KeyTestCard fresh = KeyTestCard.factoryNew();
    assertThat(manage(fresh, 1, 1, "01").sw()).isEqualTo(0x6D00);
  }

  /**
   * Random MANAGE KEY DOMAIN, GENERATE with 92, WRAP and UNWRAP on a logged-in card with domains:
   * always a status word, never 6F00, an error changes nothing, and no domain ever counts more
   * shares than it has.
   */
  @Test
  void hostileDomainApdus_neverBreakTheState() {
    KeyTestCard t = twoDomains();
    create(t, 2, 3).ok();
    generateIn(t, 1, 1).ok();
    io.hsmkit.proptest.Property.forAll(
        io.hsmkit.proptest.Property.tries(2_000),
        gen -> {
          int ins = gen.oneOfInts(0x52, 0x52, 0x52, 0x48, 0x72, 0x74);
          int p1 = ins == 0x52 ? gen.between(0, 6) : gen.between(0, 3);
          int p2 = ins == 0x52 ? gen.between(0, 4) : ins == 0x48 ? 0xB0 : gen.oneOfInts(0x92, 0x93);
          byte[] data = ins == 0x48
              ? new byte[] {(byte) 0x92, 1, (byte) gen.between(0, 4)}
              : gen.oneOf(new byte[0], new byte[] {(byte) gen.between(0, 3)}, gen.bytes(32, 32),
                  gen.bytes(0, 40));
          var before = t.card.state();
          KeyTestCard.Reply r = t.send(KeyTestCard.extended(0x80, ins, p1, p2, data, 0));
          var after = t.card.state();
          assertThat(r.sw()).isNotEqualTo(0x6F00);
          if (r.sw() != 0x9000) {
            assertThat(after).isEqualTo(before);
          }
          after.domains().values().forEach(d -> assertThat(d.imported()).isLessThanOrEqualTo(d.shares()));
          after.keyDomains().forEach((id, d) -> assertThat(d).isLessThan(after.domainCount()));
        });
  }

  @Test
  void deriveEc_keepsTheSourceKeysDomain() {
    KeyTestCard t = twoDomains();
    generateIn(t, 1, 1).ok();
    t.send(KeyTestCard.hex("8076010221" + "98" + "00".repeat(31) + "05")).ok();
    assertThat(t.card.state().keyDomain(2)).isEqualTo(1);
    assertThat(Arrays.copyOf(wrap(t, 2).ok().data(), 8)).isEqualTo(Dkek.kcv(B));
  }

  @Test
  void codec_roundTripsDomains_andAStateWithoutThemHasNoDomainSection() throws Exception {
    KeyTestCard t = twoDomains();
    generateIn(t, 1, 1).ok();
    var s = t.card.state();
    byte[] file = io.hsmkit.card.state.StateCodec.encode(s, 7);
    var back = io.hsmkit.card.state.StateCodec.decode(file, "test").state();
    assertThat(back).isEqualTo(s);
    assertThat(back.keyDomain(1)).isEqualTo(1);
    assertThat(back.domain(1).kcv()).isEqualTo(Dkek.kcv(B));
    // the sealed KEK is not the plaintext anywhere in the file
    assertThat(HEX.formatHex(file)).doesNotContain(HEX.formatHex(B));

    KeyTestCard plain = KeyTestCard.loggedIn(); // no tag 97: the file ends where it always did
    byte[] plainFile = io.hsmkit.card.state.StateCodec.encode(plain.card.state(), 7);
    KeyTestCard one = card(null, 1);
    byte[] oneFile = io.hsmkit.card.state.StateCodec.encode(one.card.state(), 7);
    // 97 01 01 adds the key-domain section: tag (1), length (4), slots (2), domains (2) and key
    // domains (2); the share-digest count is there either way, before the trust anchor's section
    assertThat(plain.card.state().trustAnchor()).isNotEmpty();
    assertThat(oneFile.length - plainFile.length).isEqualTo(11);
  }

  /** An AES key of domain 1 wraps (blob type 0F) under domain 1's KEK and unwraps back into it. */
  @Test
  void aesKey_wrapsUnderItsDomain() {
    KeyTestCard t = twoDomains();
    t.send(KeyTestCard.hex("004803B0" + "03" + "920101")).ok();
    assertThat(t.card.state().keyDomain(3)).isEqualTo(1);
    byte[] blob = wrap(t, 3).ok().data();
    assertThat(Arrays.copyOf(blob, 8)).isEqualTo(Dkek.kcv(B));
    assertThat(blob[8]).isEqualTo((byte) 0x0F);
    unwrap(t, 4, blob).ok();
    assertThat(t.card.state().keyDomain(4)).isEqualTo(1);
    String cmac = "807803" + "18" + "10" + "00".repeat(16) + "00";
    String cmac4 = "807804" + "18" + "10" + "00".repeat(16) + "00";
    assertThat(t.send(KeyTestCard.hex(cmac4)).ok().data())
        .isEqualTo(t.send(KeyTestCard.hex(cmac)).ok().data());
  }

  /** Key domains and public key authentication are two sections of one file: both come back. */
  @Test
  void codec_keyDomainsBesidePublicKeyAuth() throws Exception {
    KeyTestCard t = KeyTestCard.factoryNew();
    String pin = HEX.formatHex("648219".getBytes(StandardCharsets.US_ASCII));
    String data = "80020001" + "8106" + pin + "8208" + SealedCards.SO_PIN_HEX + "910103"
        + "920101" + "97010" + "2" + "93020201";
    t.send(KeyTestCard.hex("80500000" + String.format("%02X", data.length() / 2) + data)).ok();
    t.login();
    importShare(t, 0, A).ok();
    create(t, 1, 1).ok();
    importShare(t, 1, B).ok();
    generateIn(t, 1, 1).ok();
    var s = t.card.state();
    assertThat(s.pka()).isNotNull();
    var back =
        io.hsmkit.card.state.StateCodec.decode(io.hsmkit.card.state.StateCodec.encode(s, 3), "t")
            .state();
    assertThat(back).isEqualTo(s);
    assertThat(back.pka().total()).isEqualTo(2);
    assertThat(back.pka().required()).isEqualTo(1);
    assertThat(back.keyDomain(1)).isEqualTo(1);
    assertThat(back.domain(1).kcv()).isEqualTo(Dkek.kcv(B));
    assertThat(back.trustAnchor()).isEqualTo(s.trustAnchor()).isNotEmpty();
  }

  /** Closes the card's file store after the block. */
  record AutoCloseableCard(KeyTestCard t) implements AutoCloseable {
    @Override
    public void close() {
      t.card.close();
    }
  }
}
