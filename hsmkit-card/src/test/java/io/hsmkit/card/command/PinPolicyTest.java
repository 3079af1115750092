package io.hsmkit.card.command;

import static io.hsmkit.card.command.SealedCards.assertOk;
import static io.hsmkit.card.command.SealedCards.initialize;
import static io.hsmkit.card.command.SealedCards.open;
import static io.hsmkit.card.command.SealedCards.signs;
import static io.hsmkit.card.command.SealedCards.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.TestCard;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.seal.Keyring;
import io.hsmkit.card.seal.KdfParams;
import io.hsmkit.card.state.StateException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PIN policy (SECURITY.md) with keys sealed at rest: PIN changes and resets re-wrap the master key so keys
 * survive them; counters are exact across reopening; a blocked SO-PIN never re-initializes;
 * nothing that needs the PIN works after SELECT, power-off or reopening without a new VERIFY; an
 * extra secret that does not match is refused before any PIN try.
 */
class PinPolicyTest {
  static final String PIN = "648219";
  static final String SO = SealedCards.SO_PIN_HEX;
  @TempDir Path tmp;

  private static KeyTestCard withKeys(KeyTestCard t) {
    assertOk(initialize(t, PIN, 3, 0));
    assertOk(verify(t, PIN));
    t.generateEc(1, Curve.SECP256R1);
    t.generateRsa(2, 1024);
    return t;
  }

  private static String ascii(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static KeyTestCard.Reply apdu(KeyTestCard t, String header, String data) {
    return t.send(KeyTestCard.hex(header + String.format("%02X", data.length() / 2) + data));
  }

  @Test
  void resetRetryCounterBySo_newPin_keysSurviveAndStillSign() throws Exception {
    try (var card = open(tmp.resolve("c")).card) {
      KeyTestCard t = withKeys(new KeyTestCard(card, false, false));
      for (int i = 0; i < 3; i++) {
        verify(t, "000000");
      }
      assertThat(verify(t, PIN).sw()).isEqualTo(0x6983); // blocked
      assertOk(apdu(t, "002C0081", SO + ascii("11223344")));
      assertThat(verify(t, PIN).sw()).isEqualTo(0x63C2); // the old PIN no longer opens anything
      assertOk(verify(t, "11223344"));
      assertThat(signs(t, 1)).isTrue();
      assertThat(signs(t, 2)).isTrue();
    }
    try (var card = open(tmp.resolve("c")).card) { // and after a restart (no RAM fast path)
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(verify(t, "11223344"));
      assertThat(signs(t, 1)).isTrue();
      assertThat(verify(t, PIN).sw()).isEqualTo(0x63C2);
    }
  }

  @Test
  void changeReferenceData_userAndSo_rewrap_keysSurvive() throws Exception {
    try (var card = open(tmp.resolve("c")).card) {
      KeyTestCard t = withKeys(new KeyTestCard(card, false, false));
      assertOk(apdu(t, "00240081", ascii(PIN) + ascii("99887766")));
      assertOk(apdu(t, "00240088", SO + "0102030405060708"));
      assertThat(signs(t, 1)).isTrue(); // CHANGE REFERENCE DATA logs in
    }
    try (var card = open(tmp.resolve("c")).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(verify(t, PIN).sw()).isEqualTo(0x63C2);
      assertOk(verify(t, "99887766"));
      assertThat(signs(t, 2)).isTrue();
      assertThat(apdu(t, "00200088", SO).sw()).isEqualTo(0x63CE); // old SO-PIN: wrong
      assertOk(apdu(t, "002C0081", "0102030405060708" + ascii("55443322")));
      assertOk(verify(t, "55443322"));
      assertThat(signs(t, 1)).isTrue();
    }
  }

  @Test
  void wrongPin_neverOpensTheMasterKey() throws Exception {
    KeyTestCard t = withKeys(new KeyTestCard(io.hsmkit.card.CardOs.inMemory(TestCard.env()),
        false, false));
    t.logout();
    for (String wrong : new String[] {"648218", "6482190", "000000"}) {
      assertThat(verify(t, wrong).sw()).isBetween(0x63C0, 0x63CF);
      assertThat(t.sign(1, 0x73, SealedCards.MESSAGE).sw()).isEqualTo(SealedCards.SW_SECURITY);
      assertOk(verify(t, PIN)); // resets the counter
      t.logout();
    }
    Keyring other = new Keyring(new SecureRandom(), KdfParams.CHEAP, new byte[0]);
    var vault = t.card.state().vault();
    assertThat(other.openWithUserPin(vault, "648218".getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
    assertThat(other.openWithSoPin(vault, HexFormat.of().parseHex("3537363231383831"))).isEmpty();
    assertThat(other.openWithUserPin(vault, PIN.getBytes(StandardCharsets.US_ASCII))).isPresent();
    assertThat(other.openWithSoPin(vault, HexFormat.of().parseHex(SO))).isPresent();
  }

  @Test
  void retryCounts_exactAcrossReopen_userAsInitialized_so15() throws Exception {
    Path dir = tmp.resolve("c");
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(initialize(t, PIN, 5, null));
      assertThat(t.send(KeyTestCard.hex("0020008100")).sw()).isEqualTo(0x63C5);
      assertThat(t.send(KeyTestCard.hex("0020008800")).sw()).isEqualTo(0x63CF);
      assertThat(verify(t, "000000").sw()).isEqualTo(0x63C4);
      assertThat(verify(t, "000001").sw()).isEqualTo(0x63C3);
      assertThat(apdu(t, "00200088", "0000000000000000").sw()).isEqualTo(0x63CE);
    }
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(t.send(KeyTestCard.hex("0020008100")).sw()).isEqualTo(0x63C3);
      assertThat(t.send(KeyTestCard.hex("0020008800")).sw()).isEqualTo(0x63CE);
      assertOk(verify(t, PIN));
      assertOk(apdu(t, "00200088", SO));
    }
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(t.send(KeyTestCard.hex("0020008100")).sw()).isEqualTo(0x63C5);
      assertThat(t.send(KeyTestCard.hex("0020008800")).sw()).isEqualTo(0x63CF);
    }
  }

  @Test
  void blockedSoPin_canNeverReinitialize() throws Exception {
    Path dir = tmp.resolve("c");
    try (var card = open(dir).card) {
      KeyTestCard t = withKeys(new KeyTestCard(card, false, false));
      for (int i = 15; i > 1; i--) {
        assertThat(apdu(t, "00200088", "0000000000000000").sw()).isEqualTo(0x63C0 + i - 1);
      }
      assertThat(apdu(t, "00200088", "0000000000000000").sw()).isEqualTo(0x6983); // 15th
      assertThat(apdu(t, "00200088", SO).sw()).isEqualTo(0x6983);
      assertThat(initialize(t, "123456", 3, null).sw()).isEqualTo(0x6983);
      assertThat(apdu(t, "002C0081", SO + ascii("11223344")).sw()).isEqualTo(0x6983);
      assertThat(apdu(t, "00240088", SO + SO).sw()).isEqualTo(0x6983);
    }
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(initialize(t, "123456", 3, null).sw()).isEqualTo(0x6983);
      assertThat(t.key(1)).isNotNull();
      assertOk(verify(t, PIN)); // the user keeps the card and its keys
      assertThat(signs(t, 1)).isTrue();
    }
  }

  @Test
  void nothingNeedingThePin_worksAfterSelectPowerOffOrReopen_withoutVerify() throws Exception {
    Path dir = tmp.resolve("c");
    try (var card = open(dir).card) {
      KeyTestCard t = withKeys(new KeyTestCard(card, false, false));
      assertThat(signs(t, 1)).isTrue();
      t.logout(); // SELECT
      assertPinNeeded(t);
      assertOk(verify(t, PIN));
      card.powerOff();
      assertPinNeeded(t);
      assertOk(verify(t, PIN));
      card.reset();
      assertPinNeeded(t);
      assertOk(verify(t, PIN));
      assertThat(signs(t, 2)).isTrue();
    }
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertPinNeeded(t);
      assertThatThrownBy(() -> card.privateKeyPkcs8(1)).isInstanceOf(IllegalStateException.class);
    }
  }

  private static void assertPinNeeded(KeyTestCard t) {
    int security = SealedCards.SW_SECURITY;
    assertThat(t.sign(1, 0x73, SealedCards.MESSAGE).sw()).isEqualTo(security);
    assertThat(t.sign(2, 0x33, SealedCards.MESSAGE).sw()).isEqualTo(security);
    assertThat(t.decipher(1, 0x80, t.key(1).publicKey()).sw()).isEqualTo(security);
    assertThat(t.generate(3, t.openScEcRequest(Curve.SECP256R1)).sw()).isEqualTo(security);
    assertThat(t.send(KeyTestCard.hex("8072019200")).sw()).isEqualTo(security); // WRAP
    assertThat(t.send(KeyTestCard.hex("80740493" + "03010203")).sw()).isEqualTo(security);
    assertThat(t.send(KeyTestCard.hex("0020008100")).sw()).isEqualTo(0x63C3);
    assertThat(t.card.state().key(3)).isNull();
  }

  @Test
  void extraSecret_mismatchIsRefusedAtOpen_andBurnsNoTry() throws Exception {
    Path dir = tmp.resolve("c");
    byte[] secret = "0123456789abcdef-secret".getBytes(StandardCharsets.US_ASCII);
    CardEnvironment withSecret = TestCard.env().withExtraSecret(secret);
    try (var card = open(dir, withSecret).card) {
      KeyTestCard t = withKeys(new KeyTestCard(card, false, false));
      assertThat(signs(t, 1)).isTrue();
    }
    assertThatThrownBy(() -> open(dir))
        .isInstanceOf(StateException.class)
        .hasMessageContaining("initialized with an extra secret");
    byte[] wrong = secret.clone();
    wrong[0] ^= 1;
    assertThatThrownBy(() -> open(dir, TestCard.env().withExtraSecret(wrong)))
        .isInstanceOf(StateException.class)
        .hasMessageContaining("not the one")
        .hasMessageNotContaining(new String(secret, StandardCharsets.US_ASCII));
    try (var card = open(dir, withSecret).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(t.send(KeyTestCard.hex("0020008100")).sw()).isEqualTo(0x63C3);
      assertOk(verify(t, PIN));
      assertThat(signs(t, 2)).isTrue();
    }
    // and the secret is really mixed in: without it the PIN does not open the master key
    var vault = io.hsmkit.card.state.StateCodec.decode(
        java.nio.file.Files.readAllBytes(dir.resolve("card.state")), "x").state().vault();
    Keyring noSecret = new Keyring(new SecureRandom(), KdfParams.CHEAP, new byte[0]);
    assertThat(noSecret.openWithUserPin(vault, PIN.getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
    Keyring right = new Keyring(new SecureRandom(), KdfParams.CHEAP, secret);
    assertThat(right.openWithUserPin(vault, PIN.getBytes(StandardCharsets.US_ASCII)))
        .isPresent();
  }

  @Test
  void aCardKeepsTheKdfCostItWasInitializedWith() throws Exception {
    Path dir = tmp.resolve("c");
    KdfParams custom = new KdfParams(16, 2, 1);
    try (var card = open(dir, TestCard.env().withKdf(custom)).card) {
      assertOk(initialize(new KeyTestCard(card, false, false), PIN, 3, null));
      assertThat(card.state().vault().kdf()).isEqualTo(custom);
    }
    try (var card = open(dir).card) { // another default cost today
      assertThat(card.state().vault().kdf()).isEqualTo(custom);
      assertOk(verify(new KeyTestCard(card, false, false), PIN));
    }
  }
}
