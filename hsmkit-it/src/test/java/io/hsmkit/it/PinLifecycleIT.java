package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** INITIALIZE, SO-PIN and user-PIN life cycle through sc-hsm-tool and the PKCS#11 module. */
class PinLifecycleIT extends InteropTestBase {
  private static final String OTHER_SO_PIN = "0102030405060708";

  private static void initialize(String soPin, String pin) {
    Tool.Result r = OpenSc.scHsmInitialize(soPin, pin);
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.output()).as(r.describe()).doesNotContain("failed");
  }

  private static void assertStatus(String soLine, String userLine) {
    Tool.Result r = OpenSc.scHsmStatus();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(OpenSc.lines(r.output())).as(r.describe()).contains(soLine, userLine);
  }

  @Test
  void initialize_setsSoPinAndUserPin() {
    initialize(SO_PIN, USER_PIN);
    Tool.Result r = OpenSc.scHsmStatus();
    assertThat(OpenSc.lines(r.output()))
        .as(r.describe())
        .contains(
            "Config options       :",
            "User PIN reset with SO-PIN enabled",
            "SO-PIN tries left    : 15",
            "User PIN tries left  : 3");
    Tool.Result login = OpenSc.pkcs11Login(USER_PIN);
    assertThat(login.exit()).as(login.describe()).isZero();
  }

  @Test
  void reinitialize_withAWrongSoPin_isRefusedAndCostsATry() {
    initialize(SO_PIN, USER_PIN);
    Tool.Result wrong = OpenSc.scHsmInitialize("1111111111111111", USER_PIN);
    assertThat(wrong.output())
        .as(wrong.describe())
        .contains("SC_CARDCTL_SC_HSM_INITIALIZE", "failed with PIN code or key incorrect");
    assertStatus("SO-PIN tries left    : 14", "User PIN tries left  : 3");

    initialize(SO_PIN, USER_PIN); // the right SO-PIN still works and restores the counter
    assertStatus("SO-PIN tries left    : 15", "User PIN tries left  : 3");
  }

  @Test
  void soPinChange_thenOnlyTheNewSoPinInitializes() {
    initialize(SO_PIN, USER_PIN);
    Tool.Result change = OpenSc.pkcs11ChangeSoPin(SO_PIN, OTHER_SO_PIN);
    assertThat(change.exit()).as(change.describe()).isZero();
    assertThat(change.output()).as(change.describe()).contains("PIN successfully changed");

    Tool.Result old = OpenSc.scHsmInitialize(SO_PIN, USER_PIN);
    assertThat(old.output()).as(old.describe()).contains("failed with PIN code or key incorrect");
    assertStatus("SO-PIN tries left    : 14", "User PIN tries left  : 3");

    initialize(OTHER_SO_PIN, "648219");
    assertStatus("SO-PIN tries left    : 15", "User PIN tries left  : 3");
    Tool.Result login = OpenSc.pkcs11Login("648219");
    assertThat(login.exit()).as(login.describe()).isZero();
  }

  @Test
  void userPinChange_replacesTheUserPin() {
    initialize(SO_PIN, USER_PIN);
    Tool.Result change = OpenSc.pkcs11ChangeUserPin(USER_PIN, "123456");
    assertThat(change.exit()).as(change.describe()).isZero();
    assertThat(change.output()).as(change.describe()).contains("PIN successfully changed");

    Tool.Result oldPin = OpenSc.pkcs11Login(USER_PIN);
    assertThat(oldPin.exit()).as(oldPin.describe()).isNotZero();
    assertThat(oldPin.output()).as(oldPin.describe()).contains("CKR_PIN_INCORRECT");
    Tool.Result newPin = OpenSc.pkcs11Login("123456");
    assertThat(newPin.exit()).as(newPin.describe()).isZero();
    assertStatus("SO-PIN tries left    : 15", "User PIN tries left  : 3");
  }

  @Test
  void threeWrongUserPins_lockThePin_andTheSoPinUnblocksIt() {
    initialize(SO_PIN, USER_PIN);
    Tool.Result first = OpenSc.pkcs11Login("999999");
    assertThat(first.output()).as(first.describe()).contains("CKR_PIN_INCORRECT");
    assertStatus("SO-PIN tries left    : 15", "User PIN tries left  : 2");
    Tool.Result low = OpenSc.pkcs11List();
    assertThat(low.stdout()).as(low.describe()).contains("user PIN count low");

    Tool.Result second = OpenSc.pkcs11Login("999999");
    assertThat(second.exit()).as(second.describe()).isNotZero();
    assertThat(second.output()).as(second.describe()).contains("CKR_PIN_INCORRECT");
    assertStatus("SO-PIN tries left    : 15", "User PIN tries left  : 1");
    // The third wrong PIN uses up the last try: the card answers 6983 at once, as the real one,
    // which OpenSC maps to CKR_PIN_LOCKED (iso7816.c: 6983 = SC_ERROR_AUTH_METHOD_BLOCKED).
    Tool.Result third = OpenSc.pkcs11Login("999999");
    assertThat(third.exit()).as(third.describe()).isNotZero();
    assertThat(third.output()).as(third.describe())
        .contains("CKR_PIN_LOCKED").doesNotContain("CKR_PIN_INCORRECT");
    Tool.Result locked = OpenSc.pkcs11Login(USER_PIN); // even the right PIN: blocked
    assertThat(locked.exit()).as(locked.describe()).isNotZero();
    assertThat(locked.output()).as(locked.describe()).contains("CKR_PIN_LOCKED");
    Tool.Result list = OpenSc.pkcs11List();
    assertThat(list.stdout()).as(list.describe()).contains("user PIN locked");
    Tool.Result status = OpenSc.scHsmStatus();
    assertThat(OpenSc.lines(status.output())).as(status.describe()).contains("User PIN locked");

    Tool.Result unblock = OpenSc.pkcs11InitPin(SO_PIN, "648219");
    assertThat(unblock.exit()).as(unblock.describe()).isZero();
    assertThat(unblock.output()).as(unblock.describe()).contains("User PIN successfully initialized");
    Tool.Result login = OpenSc.pkcs11Login("648219");
    assertThat(login.exit()).as(login.describe()).isZero();
    assertStatus("SO-PIN tries left    : 15", "User PIN tries left  : 3");
  }

  @Test
  void initPin_withAWrongSoPin_isRefused() {
    initialize(SO_PIN, USER_PIN);
    Tool.Result r = OpenSc.pkcs11InitPin(OTHER_SO_PIN, "648219");
    assertThat(r.exit()).as(r.describe()).isNotZero();
    assertThat(r.output()).as(r.describe()).contains("CKR_PIN_INCORRECT");
    assertStatus("SO-PIN tries left    : 14", "User PIN tries left  : 3");
    Tool.Result login = OpenSc.pkcs11Login(USER_PIN);
    assertThat(login.exit()).as(login.describe()).isZero();
  }
}
