package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsmkit pka} and {@code init --public-key-auth} between two emulated tokens of one
 * installation ($HSMKIT_HOME/token and a sibling directory, docs/protocol.md#pka).
 */
class PkaCommandsTest {
  @TempDir Path home;

  static final String STATUS_REGISTERED = """
      Number of public keys:     1
      Missing public keys:       0
      Required pubkeys for auth: 1
      Authenticated public keys: 0
      """;

  @Test
  void exportRegisterStatusAuthenticate_acrossTwoTokens() throws Exception {
    CliRunner cli = CliRunner.initialized(home, "358138", "--public-key-auth", "1",
        "--required-pub-keys", "1");
    String b = "emulated:" + home.resolve("b");
    cli.ok("--token", b, "init", "--so-pin", "3537363231383830", "--no-dkek");
    cli.ok("--token", b, "keys", "generate", "--type", "ec:prime256v1", "--id", "01");
    Path file = home.resolve("custodian.pka");
    assertThat(cli.ok("--token", b, "pka", "export", "--key-ref", "1", file.toString()).out())
        .startsWith("Key ref 1 exported to " + file);
    assertThat(Files.readAllBytes(file)[0]).isEqualTo((byte) 0x30);

    assertThat(cli.ok("pka", "status").out()).isEqualTo(STATUS_REGISTERED
        .replace("Missing public keys:       0", "Missing public keys:       1"));
    assertThat(cli.ok("pka", "register", file.toString()).out()).isEqualTo(STATUS_REGISTERED);
    assertThat(cli.ok("pka", "status").out()).isEqualTo(STATUS_REGISTERED);
    CliRunner.Result again = cli.run("pka", "register", file.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("registered already");

    CliRunner.Result auth = cli.ok("pka", "authenticate", "--with", b, "--key-ref", "1");
    assertThat(auth.out()).startsWith("Authenticated ").endsWith(
        STATUS_REGISTERED.replace("Authenticated public keys: 0", "Authenticated public keys: 1"));

    CliRunner.Result onB = cli.run("--token", b, "pka", "status");
    assertThat(onB.exit()).isEqualTo(1);
    assertThat(onB.err()).contains("not initialized for public key authentication");
  }

  @Test
  void init_withPkaAndNoCardSecret_warns() {
    CliRunner cli = new CliRunner(home);
    cli.env.put("HSMKIT_PIN", "358138");
    CliRunner.Result r = cli.ok("init", "--so-pin", "3537363231383830", "--no-dkek",
        "--public-key-auth", "2", "--required-pub-keys", "2");
    assertThat(r.err()).contains("warning: no card secret");
    assertThat(r.out()).contains("register 2 keys now");
  }

  @Test
  void init_requiredAboveTotal_isAUsageError() {
    CliRunner cli = new CliRunner(home);
    cli.env.put("HSMKIT_PIN", "358138");
    CliRunner.Result r = cli.run("init", "--so-pin", "3537363231383830", "--no-dkek",
        "--public-key-auth", "1", "--required-pub-keys", "2");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--required-pub-keys");
  }
}
