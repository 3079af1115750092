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
    assertThat(OpenSc.lines(r.stdout()))
        .as(r.describe())
        .contains(
            "Slot 0 (0x0): " + Harness.READER,
            "token label        : SmartCard-HSM (UserPIN)",
            "token manufacturer : www.CardContact.de",
            "token model        : PKCS#15 emulated",
            "hardware version   : 24.13",
            "serial num         : " + serial,
            "pin min/max        : 6/15");
    // OpenSC 0.23 sets CKF_TOKEN_INITIALIZED for every bound PKCS#15 card and the SmartCard-HSM
    // emulation always adds the UserPIN object (framework-pkcs15.c pkcs15_init_slot()), so a
    // factory-new card is listed with these flags, as a real one is; sc-hsm-tool tells the truth.
    assertThat(r.stdout())
        .as(r.describe())
        .contains("token flags        : login required, rng, token initialized, PIN initialized");
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
