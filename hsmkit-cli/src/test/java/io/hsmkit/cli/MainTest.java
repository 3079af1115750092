package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path temp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    return run(Map.of(), args);
  }

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void version_printsTheVersion() {
    Run r = run("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("hsmkit ");
  }

  @Test
  void help_listsServe() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("serve", "--verbose", "--version");
  }

  @Test
  void helpAndErrors_toAPipe_haveNoColourCodes() {
    for (String[] args : new String[][] {{"--help"}, {"keys", "generate", "--help"}, {"--bogus"}}) {
      Run r = run(args);
      assertThat(r.out() + r.err()).as(String.join(" ", args)).doesNotContain("\u001b[");
    }
  }

  @Test
  void noSubcommand_isAUsageError() {
    Run r = run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("hsmkit: missing a subcommand").contains("Try 'hsmkit --help'.");
  }

  @Test
  void unknownOption_isAUsageError() {
    Run r = run("--bogus");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("hsmkit: Unknown option: '--bogus'");
  }

  @Test
  void serve_withoutState_isAUsageError() {
    Run r = run("serve");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--state=DIR'", "hsmkit serve --help");
  }

  @Test
  void serve_portOutOfRange_isAUsageError() {
    Run r = run("serve", "--state", temp.resolve("card").toString(), "--port", "70000");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("hsmkit: --port must be between 1 and 65535, not 70000");
    assertThat(temp.resolve("card")).doesNotExist();
  }

  @Test
  void serve_stateIsAFile_isAUsageError() throws Exception {
    Path file = Files.writeString(temp.resolve("file"), "x");
    Run r = run("serve", "--state", file.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("hsmkit: --state " + file + " exists and is not a directory");
  }

  @Test
  void serve_damagedState_isOneLineWithoutStackTrace() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("card"));
    Files.writeString(dir.resolve("card.state"), "garbage");
    Run r = run("serve", "--state", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("hsmkit: ").contains(dir.toString()).doesNotContain("\tat ");

    Run verbose = run("--verbose", "serve", "--state", dir.toString());
    assertThat(verbose.exit()).isEqualTo(2);
    assertThat(verbose.err()).contains("TokenException", "\tat ");
    Run debug = run(Map.of("HSMKIT_DEBUG", "1"), "serve", "--state", dir.toString());
    assertThat(debug.err()).contains("\tat ");
  }

  @Test
  void serve_stateInUse_isRefused() throws Exception {
    Path dir = temp.resolve("card");
    try (CardOs holder = CardOs.open(dir, CardEnvironment.system())) {
      Run r = run("serve", "--state", dir.toString());
      assertThat(r.exit()).isEqualTo(1); // unavailable, as a card another process holds
      assertThat(r.err().strip()).startsWith("hsmkit: ")
          .contains("in use by process " + ProcessHandle.current().pid());
    }
  }
}
