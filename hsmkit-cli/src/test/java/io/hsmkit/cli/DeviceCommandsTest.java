package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceCommandsTest {
  static final String SO = "3537363231383830";
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(home);
  }

  @Test
  void status_factoryNewToken_saysNotInitialized() {
    CliRunner.Result r = cli.createToken().ok("status");
    assertThat(r.out()).contains("Serial number        : DEHK").contains("never been initialized");
    assertThat(home.resolve("token/card.state")).exists();
  }

  @Test
  void init_thenStatus_showsSoAndUserTriesAndDkek() {
    cli.ok("init", "--so-pin", SO, "--pin", "358138", "--dkek-shares", "1", "--label", "MTG-CARA-HSM");
    String out = cli.ok("status").out();
    assertThat(out)
        .contains("Label                : MTG-CARA-HSM")
        .contains("User PIN reset with SO-PIN enabled")
        .contains("SO-PIN tries left    : 15")
        .contains("User PIN tries left  : 3")
        .contains("DKEK shares          : 1")
        .contains("DKEK import pending, 1 share(s) still missing")
        .contains("Keys                 : 0");
  }

  @Test
  void status_json_isMachineReadable() {
    cli.ok("init", "--so-pin", SO, "--pin", "358138", "--no-dkek");
    String json = cli.ok("status", "--json").out();
    @SuppressWarnings("unchecked")
    var m = (java.util.Map<String, Object>) io.hsmkit.client.json.Json.parse(json);
    assertThat(m).containsEntry("initialized", true).containsEntry("soPinTriesLeft", 15L)
        .containsEntry("userPinTriesLeft", 3L).containsEntry("keys", 0L);
    assertThat((String) m.get("serial")).startsWith("DEHK").hasSize(11);
  }

  @Test
  void init_soPinNotSixteenHex_refusedBeforeSendingAnything() throws Exception {
    cli.createToken();
    byte[] before = Files.readAllBytes(home.resolve("token/card.state"));
    for (String bad : new String[] {"1234", "353736323138383G", "35373632313838301"}) {
      CliRunner.Result r = cli.run("init", "--so-pin", bad, "--pin", "358138", "--no-dkek");
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("16 hexadecimal digits").doesNotContain(bad);
    }
    assertThat(Files.readAllBytes(home.resolve("token/card.state"))).isEqualTo(before);
  }

  @Test
  void init_userPinLengthAndDkekDecision_enforced() {
    assertThat(cli.run("init", "--so-pin", SO, "--pin", "12345", "--no-dkek").err())
        .contains("6 to 15 characters");
    assertThat(cli.run("init", "--so-pin", SO, "--pin", "1234567890123456", "--no-dkek").exit())
        .isEqualTo(2);
    CliRunner.Result noDecision = cli.run("init", "--so-pin", SO, "--pin", "358138");
    assertThat(noDecision.exit()).isEqualTo(2);
    assertThat(noDecision.err()).contains("--dkek-shares").contains("--no-dkek");
    assertThat(cli.run("init", "--so-pin", SO, "--pin", "358138", "--no-dkek", "--dkek-shares", "1").exit())
        .isEqualTo(2);
  }

  @Test
  void init_noDkek_warnsThatKeysCanNeverBeBackedUp() {
    CliRunner.Result r = cli.ok("init", "--so-pin", SO, "--pin", "358138", "--no-dkek");
    assertThat(r.err()).contains("never be backed up");
  }

  @Test
  void init_retriesBeyondSafeLimitForShortPin_refused() {
    CliRunner.Result r =
        cli.run("init", "--so-pin", SO, "--pin", "358138", "--no-dkek", "--pin-retries", "5");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("between 1 and 3");
  }

  @Test
  void init_wrongSoPinOnReinit_reportsTriesLeft() {
    cli.ok("init", "--so-pin", SO, "--pin", "358138", "--no-dkek");
    CliRunner.Result r =
        cli.run("init", "--so-pin", "0000000000000000", "--pin", "358138", "--no-dkek");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("wrong SO-PIN, 14 tries left");
    assertThat(cli.ok("status").out()).contains("SO-PIN tries left    : 14");
  }

  @Test
  void pins_fromEnvironment_andChangeUnblockFlow() {
    cli.env.put("HSMKIT_SO_PIN", SO);
    cli.env.put("HSMKIT_PIN", "358138");
    cli.ok("init", "--no-dkek");
    cli.env.put("HSMKIT_NEW_PIN", "123456");
    cli.ok("pin", "change");
    cli.env.put("HSMKIT_PIN", "999999");
    CliRunner.Result wrong = cli.run("pin", "change");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("wrong user PIN, 2 tries left");
    assertThat(cli.run("pin", "change").err()).contains("wrong user PIN, 1 try left");
    CliRunner.Result third = cli.run("pin", "change");
    assertThat(third.exit()).isEqualTo(1);
    assertThat(third.err())
        .contains("wrong user PIN, no tries left: the user PIN is now blocked")
        .contains("hsmkit pin unblock")
        .doesNotContain("999999");
    assertThat(cli.run("pin", "change").err())
        .contains("user PIN is blocked")
        .doesNotContain("now blocked");
    assertThat(cli.ok("status").out()).contains("User PIN locked");
    cli.env.put("HSMKIT_NEW_PIN", "654321");
    cli.ok("pin", "unblock");
    assertThat(cli.ok("status").out()).contains("User PIN tries left  : 3");
    // the new PIN from HSMKIT_NEW_PIN is the one that works now
    cli.env.put("HSMKIT_PIN", "654321");
    cli.env.put("HSMKIT_NEW_PIN", "111111");
    cli.ok("pin", "change");
  }

  @Test
  void soPinChange_requiresHexAndCurrentPin() {
    cli.ok("init", "--so-pin", SO, "--pin", "358138", "--no-dkek");
    assertThat(cli.run("so-pin", "change", "--so-pin", SO, "--new-so-pin", "not-hex-at-all!!").exit())
        .isEqualTo(2);
    cli.ok("so-pin", "change", "--so-pin", SO, "--new-so-pin", "0011223344556677");
    assertThat(cli.run("so-pin", "change", "--so-pin", SO, "--new-so-pin", SO).err())
        .contains("wrong SO-PIN, 14 tries left");
  }

  @Test
  void missingSecret_withoutTerminal_saysHowToGiveIt() {
    CliRunner.Result r = cli.run("init", "--pin", "358138", "--no-dkek");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--so-pin").contains("HSMKIT_SO_PIN");
  }

  @Test
  void tokenInUse_isRefusedWithClearError() throws Exception {
    try (var card = io.hsmkit.card.CardOs.open(home.resolve("token"),
        io.hsmkit.card.CardEnvironment.system())) {
      CliRunner.Result r = cli.run("status");
      assertThat(r.exit()).isEqualTo(1); // unavailable (README "Exit codes")
      assertThat(r.err()).contains("in use by process " + ProcessHandle.current().pid());
    }
  }

  @Test
  void badTokenSpec_isAUsageError() {
    CliRunner.Result r = cli.run("--token", "floppy:/x", "status");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("emulated:DIR");
    CliRunner.Result none = cli.run("status", "--token", "emulated:" + home.resolve("other"));
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("no token at");
  }

  @Test
  void generateCompletion_printsABashScriptForAllCommands() {
    String script = cli.ok("generate-completion").out();
    assertThat(script).contains("complete -F").contains("keys").contains("dkek").contains("serve");
  }

  @Test
  void noSubcommand_isAUsageError_listingCommands() {
    CliRunner.Result r = cli.run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("missing a subcommand");
  }

  @Test
  void help_worksOnEverySubcommand() {
    for (String[] cmd : new String[][] {{"keys", "generate"}, {"dkek", "import"}, {"ca", "sign"},
        {"serve"}, {"status"}, {"restore"}}) {
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      CliRunner.Result r = cli.run(args);
      assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(r.out()).as(String.join(" ", cmd)).contains("Usage: hsmkit " + String.join(" ", cmd));
    }
  }

  /** the first init asks for the SO-PIN twice on a terminal; a typo is caught. */
  @Test
  void firstInit_onATerminal_asksTheSoPinTwice() {
    CliRunner cli = new CliRunner(home.resolve("twice"));
    cli.terminal = new CliRunner.ScriptedTerminal("3537363231383830", "3537363231383831");
    CliRunner.Result typo = cli.run("init", "--no-dkek", "--pin", "648219");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("differ");
    assertThat(cli.ok("status").out()).contains("never been initialized");
    CliRunner.ScriptedTerminal t = new CliRunner.ScriptedTerminal("3537363231383830", "3537363231383830");
    cli.terminal = t;
    cli.ok("init", "--no-dkek", "--pin", "648219");
    assertThat(t.shown.toString()).contains("SO-PIN").contains("(again)");
    // re-init: the current SO-PIN, asked once
    CliRunner.ScriptedTerminal again = new CliRunner.ScriptedTerminal("3537363231383830");
    cli.terminal = again;
    cli.ok("init", "--no-dkek", "--pin", "648219");
    assertThat(again.shown.toString()).doesNotContain("(again)");
  }

  /**
   * status and doctor on a missing token say so with exit 2 and create
   * nothing; labels with control characters reach the terminal escaped.
   */
  @Test
  void missingToken_isNotCreated_andLabelsAreEscaped() throws Exception {
    Path missing = home.resolve("no/such/token");
    CliRunner cli = new CliRunner(home.resolve("h"));
    for (String cmd : new String[] {"status", "doctor", "keys"}) {
      CliRunner.Result r = cmd.equals("keys")
          ? cli.run("--token", "emulated:" + missing, "keys", "list")
          : cli.run("--token", "emulated:" + missing, cmd);
      assertThat(r.exit()).as(cmd).isEqualTo(2);
      assertThat(r.err() + r.out()).as(cmd).contains("no token at " + missing);
    }
    assertThat(home.resolve("no")).doesNotExist();

    CliRunner tok = CliRunner.initialized(home.resolve("l"), "648219", "--label", "evil\u001b[2J\nSerial number : 0");
    cli.env.put("HSMKIT_PIN", "648219");
    String status = tok.ok("status").out();
    assertThat(status).doesNotContain("\u001b").contains("evil\\x1B[2J\\x0ASerial number : 0");
    tok.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01", "--label", "a\rb");
    assertThat(tok.ok("keys", "list").out()).contains("a\\x0Db").doesNotContain("\r");
  }
}
