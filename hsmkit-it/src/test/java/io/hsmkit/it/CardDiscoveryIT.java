package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What OpenSC sees of a factory-new card: identification, token info, PKCS#15 emulation. */
class CardDiscoveryIT extends InteropTestBase {

  @Test
  void openscTool_namesTheSmartCardHsm() {
    Tool.Result r = OpenSc.run("opensc-tool", "-n");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.stdout()).as(r.describe()).contains("SmartCard-HSM");
    Tool.Result atr = OpenSc.run("opensc-tool", "-a");
    assertThat(atr.stdout())
        .as(atr.describe())
        .contains("3b:de:18:ff:81:91:fe:1f:c3:80:31:81:54:48:53:4d:31:73:80:21:40:81:07:1c");
  }

  @Test
  void serial_isTheDeviceChrWithoutItsLastFiveCharacters() {
    String chr = OpenSc.deviceChr();
    assertThat(chr).hasSizeGreaterThan(11);
    assertThat(serial).isEqualTo(chr.substring(0, 11)).matches("DEHK\\d{7}");
  }

  @Test
  void pkcs11Tool_listsTheToken() {
    Tool.Result r = OpenSc.pkcs11List();
    assertThat(r.exit()).as(r.describe()).isZero();
    // Before INITIALIZE the card answers the user PIN status query (VERIFY 81 without data) with
    // 6A88. OpenSC 0.23 adds the UserPIN object regardless and sets CKF_TOKEN_INITIALIZED for
    // every bound PKCS#15 card (framework-pkcs15.c pkcs15_init_slot()): the factory-new card is
    // listed like an initialized one. From 0.24, sc_pkcs15emu_sc_hsm_init() asks for the PIN
    // status and drops the UserPIN object on 6A88 (commit b6ee58e15): a slot without a PIN,
    // named after the token alone, with the PKCS#11 layer's default PIN lengths 4/8.
    boolean pinObject = !OpenScInstall.atLeast(0, 24);
    assertThat(OpenSc.lines(r.stdout()))
        .as(r.describe())
        .contains(
            "Slot 0 (0x0): " + Harness.READER,
            "token label        : " + (pinObject ? "SmartCard-HSM (UserPIN)" : "SmartCard-HSM"),
            "token manufacturer : www.CardContact.de",
            "token model        : PKCS#15 emulated",
            "hardware version   : 24.13",
            "serial num         : " + serial,
            "pin min/max        : " + (pinObject ? "6/15" : "4/8"));
    // sc-hsm-tool is the tool that tells an uninitialized device (see below).
    assertThat(r.stdout())
        .as(r.describe())
        .contains(pinObject
            ? "token flags        : login required, rng, token initialized, PIN initialized"
            : "token flags        : rng, token initialized\n");
  }

  @Test
  void scHsmTool_reportsAFactoryNewCardAsNeverInitialized() {
    Tool.Result r = OpenSc.scHsmStatus();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(OpenSc.lines(r.output()))
        .as(r.describe())
        .contains(
            "Using reader with a card: " + Harness.READER,
            "SmartCard-HSM has never been initialized. Please use --initialize to set SO-PIN and"
                + " user PIN.");
    assertThat(r.output()).as(r.describe()).containsPattern("Version\\s+: \\d+\\.\\d+");
  }

  @Test
  void pkcs15Tool_dumpsTheEmulatedPkcs15Structure() {
    Tool.Result init = OpenSc.scHsmInitialize(SO_PIN, USER_PIN);
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");
    Tool.Result r = OpenSc.pkcs15Dump();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(OpenSc.lines(r.stdout()))
        .as(r.describe())
        .contains(
            "PKCS#15 Card [SmartCard-HSM]:",
            "Serial number  : " + serial,
            "Manufacturer ID: www.CardContact.de",
            "PIN [UserPIN]",
            "PIN [SOPIN]",
            "Reference      : 129 (0x81)",
            "Reference      : 136 (0x88)",
            "Length         : min_len:6, max_len:15, stored_len:0");
    assertThat(r.stdout()).as(r.describe()).contains("Tries left     : 3", "Tries left     : 15");
  }
}
