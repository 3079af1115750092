package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The card state survives the emulator; the emulator survives pcscd. */
class ResilienceIT extends InteropTestBase {

  private static int count(String haystack, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(haystack);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void stateOutlivesARestartOfServe() {
    Tool.Result init = OpenSc.scHsmInitialize(SO_PIN, USER_PIN);
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");
    Tool.Result change = OpenSc.pkcs11ChangeUserPin(USER_PIN, "123456");
    assertThat(change.output()).as(change.describe()).contains("PIN successfully changed");
    Tool.Result wrong = OpenSc.pkcs11Login("999999");
    assertThat(wrong.output()).as(wrong.describe()).contains("CKR_PIN_INCORRECT");

    harness.stopServe();
    assertThat(harness.serveLog()).contains("hsmkit: stopped; card state kept in");
    String again = harness.serve(stateDir);

    assertThat(again).isEqualTo(serial);
    Tool.Result status = OpenSc.scHsmStatus();
    assertThat(OpenSc.lines(status.output()))
        .as(status.describe())
        .contains("SO-PIN tries left    : 15", "User PIN tries left  : 2");
    Tool.Result login = OpenSc.pkcs11Login("123456");
    assertThat(login.exit()).as(login.describe()).isZero();
    Tool.Result list = OpenSc.pkcs11List();
    assertThat(list.stdout()).as(list.describe()).contains("serial num         : " + serial);
  }

  @Test
  void pcscdKilledAndRestarted_serveReconnectsByItself() {
    long pid = harness.servePid();
    Tool.Result init = OpenSc.scHsmInitialize(SO_PIN, USER_PIN);
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");

    harness.stopPcscd(true); // SIGKILL: vpcd's socket just disappears
    Tool.Result gone = OpenSc.run("opensc-tool", "-n");
    assertThat(gone.exit()).as(gone.describe()).isNotZero();

    harness.startPcscd();
    harness.awaitCard();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    assertThat(harness.servePid()).isEqualTo(pid);
    assertThat(count(harness.serveLog(), "connected to vpcd")).isGreaterThanOrEqualTo(2);

    Tool.Result status = OpenSc.scHsmStatus();
    assertThat(OpenSc.lines(status.output()))
        .as(status.describe())
        .contains("SO-PIN tries left    : 15", "User PIN tries left  : 3");

    harness.stopPcscd(false); // and a clean SIGTERM stop as well
    harness.startPcscd();
    harness.awaitCard();
    Tool.Result login = OpenSc.pkcs11Login(USER_PIN);
    assertThat(login.exit()).as(login.describe()).isZero();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
  }
}
