package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The PKCS#11 calls XCA makes on a SmartCard-HSM, through opensc-pkcs11.so with pkcs11-tool:
 * C_InitToken ("Initialize token"), C_InitPIN as SO ("Init PIN"), C_SetPIN as user and as SO
 * ("Change PIN", "Change SO PIN"), then C_GenerateKeyPair and C_Sign.
 *
 * <p>OpenSC 0.23's C_InitToken for this card ({@code card-sc-hsm.c: sc_hsm_init_token}) sends
 * INITIALIZE DEVICE with the SO-PIN as initialization code, options 0001, no DKEK, 3 user-PIN tries
 * and, as the user PIN, the first 6 bytes of the binary SO-PIN; with a label it then logs in with
 * that PIN and writes EF.TokenInfo (2F03). So after "Initialize token" the user PIN of SO-PIN
 * 3537363231383830 is the six bytes 35 37 36 32 31 38, i.e. "576218", until the SO sets one.
 */
class XcaPkcs11IT extends InteropTestBase {
  /** The first 6 bytes of SO-PIN 3537363231383830 as text: OpenSC's initial user PIN. */
  private static final String INITIAL_PIN = "576218";
  private static final String PIN = "648219";
  private static final String NEW_PIN = "135792";
  private static final String NEW_SO_PIN = "0102030405060708";

  private static Tool.Result initToken(String soPin, String label) {
    return OpenSc.pkcs11("--init-token", "--label", label, "--so-pin", soPin);
  }

  private static void assertStatus(String soTries, String userTries) {
    Tool.Result r = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.lines(r.output())).as(r.describe())
        .contains("SO-PIN tries left    : " + soTries, "User PIN tries left  : " + userTries);
  }

  private static void assertLoginRefused(String pin) {
    Tool.Result r = OpenSc.pkcs11Login(pin);
    assertThat(r.exit()).as(r.describe()).isNotZero();
    assertThat(r.output()).as(r.describe()).contains("CKR_PIN_INCORRECT");
  }

  @Test
  void initToken_initPin_changePins_asUserAndSo_thenKeygenAndSign() throws Exception {
    Tool.Result init = OpenSc.ok(initToken(SO_PIN, "XCA Token"));
    assertThat(init.stdout()).as(init.describe()).contains("Token successfully initialized");
    Tool.Result list = OpenSc.ok(OpenSc.pkcs11List());
    assertThat(OpenSc.lines(list.stdout())).as(list.describe())
        .contains("token label        : " + OpenSc.tokenLabel("XCA Token"));
    Tool.Result status = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.lines(status.output())).as(status.describe())
        .contains("User PIN reset with SO-PIN enabled", "SO-PIN tries left    : 15",
            "User PIN tries left  : 3")
        .noneMatch(l -> l.startsWith("DKEK shares")); // C_InitToken: no DKEK, no backups
    OpenSc.ok(OpenSc.pkcs11Login(INITIAL_PIN));

    // "Init PIN" (C_Login as SO + C_InitPIN): the user PIN XCA's user will type
    Tool.Result initPin = OpenSc.ok(OpenSc.pkcs11InitPin(SO_PIN, PIN));
    assertThat(initPin.stdout()).as(initPin.describe()).contains("User PIN successfully initialized");
    assertLoginRefused(INITIAL_PIN);
    assertStatus("15", "2");
    OpenSc.ok(OpenSc.pkcs11Login(PIN));
    assertStatus("15", "3");

    // "Change PIN" as the user
    Tool.Result change = OpenSc.ok(OpenSc.pkcs11ChangeUserPin(PIN, NEW_PIN));
    assertThat(change.stdout()).as(change.describe()).contains("PIN successfully changed");
    assertLoginRefused(PIN);
    OpenSc.ok(OpenSc.pkcs11Login(NEW_PIN));
    assertStatus("15", "3");

    // "Change SO PIN": the old SO-PIN no longer resets the user PIN, the new one does
    Tool.Result soChange = OpenSc.ok(OpenSc.pkcs11ChangeSoPin(SO_PIN, NEW_SO_PIN));
    assertThat(soChange.stdout()).as(soChange.describe()).contains("PIN successfully changed");
    Tool.Result oldSo = OpenSc.pkcs11InitPin(SO_PIN, PIN);
    assertThat(oldSo.exit()).as(oldSo.describe()).isNotZero();
    assertThat(oldSo.output()).as(oldSo.describe()).contains("CKR_PIN_INCORRECT");
    assertStatus("14", "3");
    OpenSc.ok(OpenSc.pkcs11Login(NEW_PIN)); // the failed SO attempt left the user PIN alone
    OpenSc.ok(OpenSc.pkcs11InitPin(NEW_SO_PIN, PIN));
    assertStatus("15", "3");
    assertLoginRefused(NEW_PIN);
    OpenSc.ok(OpenSc.pkcs11Login(PIN));

    // key generation and signing, as XCA does them, checked by openssl
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "01", "xca-ec"));
    OpenSc.ok(OpenSc.keygen(PIN, "rsa:2048", "02", "xca-rsa"));
    Path data = Files.writeString(temp.resolve("tbs.txt"), "XCA signs this", StandardCharsets.UTF_8);
    Path ecSig = temp.resolve("ec.sig");
    Path rsaSig = temp.resolve("rsa.sig");
    OpenSc.ok(OpenSc.sign(PIN, "ECDSA-SHA256", "01", data, ecSig, "--signature-format", "openssl"));
    OpenSc.ok(OpenSc.sign(PIN, "SHA256-RSA-PKCS", "02", data, rsaSig));
    Path ecPub = temp.resolve("ec.pem");
    Path rsaPub = temp.resolve("rsa.pem");
    OpenSc.ok(OpenSc.readPublicKeyPem("01", ecPub));
    OpenSc.ok(OpenSc.readPublicKeyPem("02", rsaPub));
    Openssl.assertDgstVerifies("sha256", ecPub, ecSig, data);
    Openssl.assertDgstVerifies("sha256", rsaPub, rsaSig, data);
    Openssl.assertDgstRejects("sha256", rsaPub, ecSig, data);
  }

  @Test
  void initToken_onAnInitializedCard_needsTheSoPin_andThenErasesTheKeys() {
    OpenSc.ok(initToken(SO_PIN, "XCA Token"));
    OpenSc.ok(OpenSc.pkcs11InitPin(SO_PIN, PIN));
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "01", "kept"));

    Tool.Result wrong = initToken(NEW_SO_PIN, "Other");
    assertThat(wrong.exit()).as(wrong.describe()).isNotZero();
    assertThat(wrong.output()).as(wrong.describe()).contains("CKR_PIN_INCORRECT");
    assertStatus("14", "3");
    Tool.Result kept = OpenSc.ok(OpenSc.pkcs11Login(PIN));
    assertThat(kept.stdout()).as(kept.describe()).contains("label:      kept");
    Tool.Result notHex = initToken("not16hexdigits!!", "Other");
    assertThat(notHex.exit()).as(notHex.describe()).isNotZero();
    assertStatus("14", "3");

    Tool.Result again = OpenSc.ok(initToken(SO_PIN, "Fresh"));
    assertThat(again.stdout()).as(again.describe()).contains("Token successfully initialized");
    assertStatus("15", "3");
    Tool.Result list = OpenSc.ok(OpenSc.pkcs11List());
    assertThat(list.stdout()).as(list.describe()).contains("token label        : " + OpenSc.tokenLabel("Fresh"));
    assertLoginRefused(PIN); // the user PIN is OpenSC's initial one again
    Tool.Result fresh = OpenSc.ok(OpenSc.pkcs11Login(INITIAL_PIN));
    assertThat(fresh.stdout()).as(fresh.describe()).doesNotContain("kept")
        .doesNotContain("Private Key Object");
  }

  /**
   * With SO-PIN 0102030405060708 OpenSC's initial user PIN is the bytes 01..06, which no keyboard
   * types: the card must take a binary PIN (OpenSC logs in with it to write the label), and only
   * "Init PIN" with the SO-PIN makes the token usable.
   */
  @Test
  void initToken_withABinaryInitialUserPin_thenInitPinMakesItUsable() {
    Tool.Result init = OpenSc.ok(initToken(NEW_SO_PIN, "Binary"));
    assertThat(init.stdout()).as(init.describe()).contains("Token successfully initialized");
    Tool.Result list = OpenSc.ok(OpenSc.pkcs11List());
    assertThat(list.stdout()).as(list.describe()).contains("token label        : " + OpenSc.tokenLabel("Binary"));
    assertStatus("15", "3");
    OpenSc.ok(OpenSc.pkcs11InitPin(NEW_SO_PIN, PIN));
    OpenSc.ok(OpenSc.pkcs11Login(PIN));
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "01", "after-binary"));
    assertStatus("15", "3");
  }
}
