package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extra card secret (SECURITY.md "Keys at rest") through the CLI: the embedded token honours
 * HSMKIT_CARD_SECRET, {@code serve} takes {@code --secret-file}; a missing or wrong secret is a
 * one-line error that names no secret and spends no PIN try.
 */
class CardSecretCommandsTest {
  static final String SO = "3537363231383830";
  static final String SECRET = "b6f1c0e2a9d84f7e93c5a1d0e7f2b4c8";
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void initializeWithSecret() {
    cli = new CliRunner(home);
    cli.env.put("HSMKIT_CARD_SECRET", SECRET);
    cli.ok("init", "--so-pin", SO, "--pin", "358138", "--no-dkek");
    assertThat(cli.ok("status").out()).contains("User PIN tries left  : 3");
  }

  @Test
  void token_withoutOrWithWrongSecret_refusedInOneLine_noTrySpent() {
    cli.env.remove("HSMKIT_CARD_SECRET");
    CliRunner.Result missing = cli.run("status");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err().strip().lines()).hasSize(1);
    assertThat(missing.err()).contains("initialized with an extra secret");

    cli.env.put("HSMKIT_CARD_SECRET", SECRET.replace('b', 'c'));
    CliRunner.Result wrong = cli.run("status");
    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.err()).contains("not the one").doesNotContain(SECRET.substring(4, 20));

    cli.env.put("HSMKIT_CARD_SECRET", SECRET);
    assertThat(cli.ok("status").out()).contains("User PIN tries left  : 3");
  }

  @Test
  void serve_secretFileWrongOrTooShort_failsBeforeServing() throws Exception {
    Path state = home.resolve("token");
    Path wrong = home.resolve("wrong.key");
    Files.writeString(wrong, SECRET.replace('9', '8') + "\n");
    cli.env.remove("HSMKIT_CARD_SECRET");
    CliRunner.Result r =
        cli.run("serve", "--state", state.toString(), "--port", "1", "--secret-file",
            wrong.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("not the one").doesNotContain("hsmkit: serving");

    Path shortFile = home.resolve("short.key");
    Files.writeString(shortFile, "tooshort");
    r = cli.run("serve", "--state", state.toString(), "--port", "1", "--secret-file",
        shortFile.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("fewer than 16 bytes").doesNotContain("tooshort");
  }
}
