package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit doctor}: every check says ok or FAIL, and every FAIL says what to fix. */
class DoctorCommandTest {
  @TempDir Path home;

  private static void assertWellFormed(String out) {
    List<String> lines = Arrays.asList(out.split("\n"));
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("FAIL")) {
        assertThat(lines.get(i + 1)).as("line after " + l).startsWith("      fix: ");
      }
    }
  }

  @Test
  void embeddedToken_answersAsASmartCardHsm() {
    CliRunner cli = new CliRunner(home).createToken();
    CliRunner.Result r = cli.run("doctor");
    assertThat(r.out())
        .contains("info  token emulated:")
        .containsPattern("ok    SmartCard-HSM version \\d+\\.\\d+ answers on ")
        .doesNotContain("pcscd is running").doesNotContain("readers:");
    assertWellFormed(r.out());
    // the overall verdict matches the lines
    boolean anyFail = r.out().contains("FAIL");
    assertThat(r.exit()).isEqualTo(anyFail ? 1 : 0);
    assertThat(r.out()).contains(anyFail ? "problem(s) found." : "All checks passed.");
  }

  @Test
  void pcscReaderThatDoesNotExist_failsWithAFix() {
    CliRunner cli = new CliRunner(home);
    CliRunner.Result r = cli.run("--token", "pcsc:no-such-reader-7f3a", "doctor");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL  token pcsc:no-such-reader-7f3a").contains("problem(s) found.");
    assertWellFormed(r.out());
  }

  @Test
  void stateDirectoryInUse_failsAndSaysWhy() {
    CliRunner holder = new CliRunner(home);
    holder.createToken();
    try (io.hsmkit.token.Token t =
        io.hsmkit.token.Token.open(io.hsmkit.client.token.TokenSpec.parse("emulated:" + home.resolve("token")))) {
      CliRunner.Result r = new CliRunner(home).run("doctor");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.out()).contains("FAIL  token emulated:").contains("another hsmkit process");
      assertWellFormed(r.out());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
