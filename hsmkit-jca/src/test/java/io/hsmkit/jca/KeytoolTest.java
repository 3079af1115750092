package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optional interop check: the JDK's own {@code keytool} loads the provider from a class path with
 * {@code -providerclass … -providerarg emulated:DIR} and lists the card's keys. Runs keytool as a
 * subprocess against a state directory prepared (and released) by the test. Skipped when the
 * running JDK has no keytool; excluded with {@code -DexcludedGroups=keytool}.
 */
@Tag("keytool")
class KeytoolTest {

  @Test
  void keytoolList_showsTheCardKeysByLabel(@TempDir Path dir) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    assumeTrue(Files.isExecutable(keytool), "no keytool in java.home");
    ProviderTest.prepareToken(dir.resolve("token"), "code-signing");

    Result ok = keytool(keytool, dir.resolve("token"), TestCard.PIN_TEXT);
    assertThat(ok.exit).as(ok.output).isZero();
    assertThat(ok.output)
        .contains("Keystore type: SMARTCARDHSM")
        .contains("Keystore provider: SmartCardHSM")
        .contains("Your keystore contains 1 entry")
        .contains("code-signing")
        .contains("PrivateKeyEntry");

    Result wrong = keytool(keytool, dir.resolve("token"), "000000");
    assertThat(wrong.exit).isNotZero();
    assertThat(wrong.output).contains("2 tries left").doesNotContain("000000");
  }

  record Result(int exit, String output) {}

  static Result keytool(Path keytool, Path token, String pin) throws IOException, InterruptedException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-list",
        "-keystore", "NONE", "-storetype", "SmartCardHSM",
        "-providerpath", cp,
        "-providerclass", SmartCardHsmProvider.class.getName(),
        "-providerarg", "emulated:" + token,
        "-storepass", pin));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool did not finish");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
