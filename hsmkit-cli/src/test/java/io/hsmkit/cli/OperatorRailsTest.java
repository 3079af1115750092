package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.json.Json;
import io.hsmkit.token.Token;
import io.hsmkit.client.token.TokenSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conveniences of issue 13: confirmation before keys are lost, waiting for a busy token, JSON
 * certificate lists, the APDU trace, sign's defaults, the PIN rules at their edges, and messages
 * and exit codes per the README's split.
 */
class OperatorRailsTest {
  static final String SO = "3537363231383830";
  static final String PIN = "358138";
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = CliRunner.initialized(home, PIN);
  }

  private Path tokenDir() {
    return home.resolve("token");
  }

  @Test
  void keysDelete_withoutTerminalNeedsForce_onTerminalTheLabel() {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01", "--label", "node");
    CliRunner.Result refused = cli.run("keys", "delete", "--id", "01");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err().strip().lines()).hasSize(1);
    assertThat(refused.err()).contains("--force");
    assertThat(cli.ok("keys", "list").out()).contains("node");

    cli.terminal = new CliRunner.ScriptedTerminal("yes"); // not the label
    assertThat(cli.run("keys", "delete", "--id", "01").exit()).isEqualTo(2);
    assertThat(cli.ok("keys", "list").out()).contains("node");
    CliRunner.ScriptedTerminal t = new CliRunner.ScriptedTerminal("node");
    cli.terminal = t;
    cli.ok("keys", "delete", "--id", "01");
    assertThat(t.shown.toString())
        .contains("This deletes key ref 1 (id 01, label \"node\") for good. Type node to go on");
    assertThat(cli.ok("keys", "list").out()).contains("No keys.");

    cli.terminal = null;
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "02");
    cli.ok("keys", "delete", "--id", "02", "--force");
    assertThat(cli.ok("keys", "list").out()).contains("No keys.");
  }

  @Test
  void reinit_overImportedDkek_asksOrNeedsForce() {
    Path pbe = home.resolve("s.pbe");
    cli.env.put("HSMKIT_DKEK_PASSWORD", "share-password");
    cli.ok("dkek", "create", pbe.toString());
    cli.ok("init", "--so-pin", SO, "--dkek-shares", "2");
    cli.ok("dkek", "import", pbe.toString()); // one of two: no keys, but a DKEK share in
    CliRunner.Result refused = cli.run("init", "--so-pin", SO, "--no-dkek");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("imported DKEK").contains("--force");
    assertThat(refused.err().strip().lines()).hasSize(1);
    assertThat(cli.ok("status").out()).contains("DKEK shares");

    cli.terminal = new CliRunner.ScriptedTerminal(SO, "no");
    assertThat(cli.run("init", "--so-pin", SO, "--pin", PIN, "--no-dkek").exit()).isEqualTo(2);
    cli.terminal = new CliRunner.ScriptedTerminal("yes");
    cli.ok("init", "--so-pin", SO, "--pin", PIN, "--no-dkek");
    assertThat(cli.ok("status").out()).doesNotContain("DKEK shares          : 2");
  }

  @Test
  void busyToken_exit1_namesThePid_andWaitWaits() throws Exception {
    long me = ProcessHandle.current().pid();
    CompletableFuture<CliRunner.Result> waiting;
    StringWriter err = new StringWriter();
    try (Token held = Token.open(TokenSpec.parse("emulated:" + tokenDir()), Map.copyOf(cli.env))) {
      CliRunner.Result busy = cli.run("status");
      assertThat(busy.exit()).isEqualTo(1);
      assertThat(busy.err()).contains("in use by process " + me).contains("--wait");
      assertThat(busy.err().strip().lines()).hasSize(1);

      // a dead process's PID left in the lock file is not named
      Process p = new ProcessBuilder("true").start();
      p.waitFor();
      Files.writeString(tokenDir().resolve("lock"), p.pid() + "\n");
      CliRunner.Result stale = cli.run("status");
      assertThat(stale.exit()).isEqualTo(1);
      assertThat(stale.err()).contains("in use by another process")
          .doesNotContain("process " + p.pid());

      waiting = CompletableFuture.supplyAsync(() -> {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"--wait", "status"}, Map.copyOf(cli.env),
            new PrintWriter(out), new PrintWriter(err, true));
        return new CliRunner.Result(code, out.toString(), err.toString());
      });
      while (!err.toString().contains("waiting up to 30 s")) {
        assertThat(waiting).isNotDone();
        Thread.sleep(20);
      }
    }
    CliRunner.Result waited = waiting.get();
    assertThat(waited.exit()).as(waited.err()).isZero();
    assertThat(waited.out()).contains("User PIN");
    assertThat(cli.run("--wait=-1", "status").exit()).isEqualTo(2);
    assertThat(cli.ok("--wait", "5", "status").out()).contains("User PIN");
    assertThat(Main.firstCommand(new String[] {"--wait", "5", "status"})).isEqualTo("status");
  }

  @Test
  void certListJson_parses() {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01", "--label", "ca");
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "02");
    cli.ok("ca", "init", "--key-id", "01", "--subject", "CN=Json Root");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> certs = (List<Map<String, Object>>) Json.parse(
        cli.ok("cert", "list", "--json").out());
    assertThat(certs).hasSize(1);
    assertThat(certs.get(0)).containsEntry("keyRef", 1L).containsEntry("id", "01")
        .containsEntry("label", "ca").containsEntry("subject", "CN=Json Root")
        .containsEntry("issuer", "CN=Json Root")
        .containsKeys("serial", "notBefore", "notAfter", "sha256");
    assertThat((String) certs.get(0).get("sha256")).matches("[0-9a-f]{64}");
    assertThat((String) certs.get(0).get("notAfter")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void verbose_tracesApdusOnEmulatedTokens_withoutSecrets() throws Exception {
    Path pbe = home.resolve("s.pbe");
    cli.env.put("HSMKIT_DKEK_PASSWORD", "share-password");
    cli.ok("dkek", "create", pbe.toString());
    byte[] share = io.hsmkit.client.dkek.DkekShareFile.decrypt(Files.readAllBytes(pbe),
        "share-password".getBytes(StandardCharsets.US_ASCII), p -> { });
    StringBuilder trace = new StringBuilder();
    trace.append(cli.ok("--verbose", "init", "--so-pin", SO, "--dkek-shares", "1", "--force").err());
    trace.append(cli.ok("--verbose", "dkek", "import", pbe.toString()).err());
    cli.env.put("HSMKIT_NEW_PIN", "778899");
    trace.append(cli.ok("--verbose", "pin", "change").err());
    cli.env.put("HSMKIT_SO_PIN", SO);
    cli.env.put("HSMKIT_NEW_PIN", "665544");
    trace.append(cli.ok("--verbose", "pin", "unblock").err());
    cli.env.put("HSMKIT_PIN", "665544");
    cli.env.put("HSMKIT_NEW_SO_PIN", "0011223344556677");
    trace.append(cli.ok("--verbose", "so-pin", "change").err());
    trace.append(cli.ok("--verbose", "keys", "generate", "--type", "ec:secp256r1", "--id", "01").err());
    String t = trace.toString();
    assertThat(t).contains("> 00 A4 04").contains("< 9000")
        .contains("> 00 20 00 81 Lc=6 [data left out]")
        .contains("> 80 52 00 00 Lc=32 [data left out]");
    String flat = t.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
    for (String pin : List.of(PIN, "778899", "665544")) {
      assertThat(t).doesNotContain(pin);
      assertThat(flat).doesNotContain(hex(pin.getBytes(StandardCharsets.US_ASCII)));
    }
    assertThat(flat).doesNotContain(SO).doesNotContain("0011223344556677")
        .doesNotContain(HexFormat.of().withUpperCase().formatHex(share).substring(0, 16));
  }

  private static String hex(byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  @Test
  void sign_withoutMechanism_usesTheDefaultsItsHelpNames() throws Exception {
    assertThat(cli.ok("sign", "--help").out().replaceAll("\\s+", " "))
        .contains("Default: ecdsa-sha256 for an EC key, rsa-pkcs1-sha256 for an RSA key");
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    cli.ok("keys", "generate", "--type", "rsa:1024", "--id", "02");
    Path msg = home.resolve("msg");
    Files.writeString(msg, "defaults");
    for (String[] c : List.of(new String[] {"01", "EC", "SHA256withECDSA"},
        new String[] {"02", "RSA", "SHA256withRSA"})) {
      Path pub = home.resolve("pub" + c[0]);
      cli.ok("keys", "export-public", "--id", c[0], "--format", "der", "--out", pub.toString());
      Path sig = home.resolve("sig" + c[0]);
      cli.ok("sign", "--id", c[0], "--in", msg.toString(), "--out", sig.toString());
      PublicKey k = KeyFactory.getInstance(c[1]).generatePublic(
          new X509EncodedKeySpec(Files.readAllBytes(pub)));
      Signature v = Signature.getInstance(c[2]);
      v.initVerify(k);
      v.update(Files.readAllBytes(msg));
      assertThat(v.verify(Files.readAllBytes(sig))).as(c[2]).isTrue();
    }
  }

  @Test
  void wrongKeyType_isAUsageError() {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    Path in = home.resolve("in");
    CliRunner.Result r = cli.run("sign", "--id", "01", "--mechanism", "rsa-pkcs1-sha256", "--in",
        write(in, "x").toString(), "--out", home.resolve("o").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("needs an RSA key");
    CliRunner.Result d = cli.run("decrypt", "--id", "01", "--in", in.toString(), "--out",
        home.resolve("o").toString());
    assertThat(d.exit()).isEqualTo(2);
  }

  private static Path write(Path p, String s) {
    try {
      Files.writeString(p, s);
      return p;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** README: user PIN 6 to 15 characters, SO-PIN exactly 16 hex digits, retries by PIN length. */
  @Test
  void pinRules_enforcedAtBothEdges() {
    CliRunner fresh = new CliRunner(home.resolve("other"));
    String tok = "emulated:" + home.resolve("other/token");
    String[] bad = {"12345", "1234567890123456"};
    for (String p : bad) {
      CliRunner.Result r = fresh.run("--token", tok, "init", "--so-pin", SO, "--pin", p, "--no-dkek");
      assertThat(r.exit()).as(p).isEqualTo(2);
      assertThat(r.err()).contains("6 to 15 characters");
    }
    for (String so : List.of("353736323138383", "35373632313838300", "353736323138383g")) {
      CliRunner.Result r = fresh.run("--token", tok, "init", "--so-pin", so, "--pin", PIN, "--no-dkek");
      assertThat(r.exit()).as(so).isEqualTo(2);
      assertThat(r.err()).contains("16 hexadecimal digits");
    }
    assertThat(fresh.run("--token", tok, "init", "--so-pin", SO, "--pin", "123456",
        "--pin-retries", "4", "--no-dkek").exit()).isEqualTo(2);
    assertThat(fresh.run("--token", tok, "init", "--so-pin", SO, "--pin", "1234567",
        "--pin-retries", "6", "--no-dkek").exit()).isEqualTo(2);
    assertThat(fresh.run("--token", tok, "init", "--so-pin", SO, "--pin", "12345678",
        "--pin-retries", "11", "--no-dkek").exit()).isEqualTo(2);
    fresh.ok("--token", tok, "init", "--so-pin", SO, "--pin", "123456789012345",
        "--pin-retries", "10", "--no-dkek");
    fresh.env.put("HSMKIT_PIN", "123456789012345");
    for (String p : bad) {
      fresh.env.put("HSMKIT_NEW_PIN", p);
      assertThat(fresh.run("--token", tok, "pin", "change").exit()).as(p).isEqualTo(2);
    }
    fresh.env.put("HSMKIT_NEW_PIN", "123456");
    fresh.ok("--token", tok, "pin", "change");
  }

  @Test
  void demo_step8_namesTheTokenItUses() {
    Path keep = home.resolve("demo");
    String out = cli.ok("demo", "--keep", keep.toString()).out();
    String step8 = out.lines().dropWhile(l -> !l.startsWith("8.")).limit(2)
        .reduce("", (a, b) -> a + b + "\n");
    assertThat(step8).contains("emulated:" + keep.resolve("hsm-b")).doesNotContain("pcsc:NEW");
    assertThat(Files.exists(keep.resolve("hsm-b").resolve("card.state"))).isTrue();
  }

  @Test
  void secretFile_missing_oneLineNamingIt_andHintsOnlyWhereTaken() {
    Path missing = home.resolve("nonexistent");
    CliRunner.Result r = cli.run("serve", "--state", home.resolve("s").toString(), "--port", "1",
        "--secret-file", missing.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains(missing.toString()).contains("no such file")
        .doesNotContain("Exception");

    // a token made with a secret: status (no --secret-file option) does not suggest it; serve does
    CliRunner withSecret = new CliRunner(home.resolve("sec"));
    withSecret.env.put("HSMKIT_CARD_SECRET", "b6f1c0e2a9d84f7e93c5a1d0e7f2b4c8");
    withSecret.ok("init", "--so-pin", SO, "--pin", PIN, "--no-dkek");
    withSecret.env.remove("HSMKIT_CARD_SECRET");
    CliRunner.Result status = withSecret.run("status");
    assertThat(status.exit()).isEqualTo(2);
    assertThat(status.err()).contains("HSMKIT_CARD_SECRET").doesNotContain("--secret-file");
    CliRunner.Result serve = withSecret.run("serve", "--state",
        home.resolve("sec/token").toString(), "--port", "1");
    assertThat(serve.err()).contains("--secret-file");
  }

  @Test
  void mofn_oddShareFile_isTheOneBlamed() throws Exception {
    Path a = home.resolve("a.pbe");
    Path b = home.resolve("b.pbe");
    cli.ok("dkek", "create", a.toString(), "--threshold", "2", "--shares", "3", "--share-dir",
        home.resolve("sa").toString());
    cli.ok("dkek", "create", b.toString(), "--threshold", "2", "--shares", "3", "--share-dir",
        home.resolve("sb").toString());
    cli.ok("init", "--so-pin", SO, "--dkek-shares", "1", "--force");
    Path odd = home.resolve("sb/share-1.txt");
    CliRunner.Result r = cli.run("dkek", "import", a.toString(),
        "--share-file", odd.toString(),
        "--share-file", home.resolve("sa/share-2.txt").toString(),
        "--share-file", home.resolve("sa/share-3.txt").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("hsmkit: " + odd + " has another prime than");
    CliRunner.Result twice = cli.run("dkek", "import", a.toString(),
        "--share-file", home.resolve("sa/share-2.txt").toString(),
        "--share-file", home.resolve("sa/share-2.txt").toString());
    assertThat(twice.err()).contains("the same share (Share ID 2)");

    // a mistyped share value: names the share files, not "wrong password?"
    Path typo = home.resolve("typo.txt");
    String text = Files.readString(home.resolve("sa/share-3.txt"));
    String value = text.replaceAll("(?s).*Share value : ([0-9a-f:]+).*", "$1");
    char last = value.charAt(value.length() - 1);
    Files.writeString(typo, text.replace(value,
        value.substring(0, value.length() - 1) + (last == '0' ? '1' : '0')));
    CliRunner.Result wrong = cli.run("dkek", "import", a.toString(),
        "--share-file", home.resolve("sa/share-1.txt").toString(), "--share-file", typo.toString());
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains(typo.toString()).contains("mistyped")
        .doesNotContain("wrong password");
  }

  /**
   * The host record of imported shares: a, b, a into a 3-share DKEK is refused before the card sees
   * the repeat (a real chip would XOR a out again); a new DKEK set (re-init) starts afresh.
   */
  @Test
  void dkekImport_sameShareAgainInOneSet_refusedByTheHostRecord() throws Exception {
    cli.env.put("HSMKIT_DKEK_PASSWORD", "share-password");
    Path a = home.resolve("a.pbe");
    Path b = home.resolve("b.pbe");
    cli.ok("dkek", "create", a.toString());
    cli.ok("dkek", "create", b.toString());
    cli.ok("init", "--so-pin", SO, "--dkek-shares", "3", "--force");
    cli.ok("dkek", "import", a.toString());
    cli.ok("dkek", "import", b.toString());
    Path record = home.resolve("dkek-imports");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
    assertThat(Files.readAllLines(record)).hasSize(2);
    CliRunner.Result again = cli.run("dkek", "import", a.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("imported into device").contains("host record");
    assertThat(cli.ok("status").out()).contains("1 share(s) still missing");

    cli.ok("init", "--so-pin", SO, "--dkek-shares", "2", "--force");
    cli.ok("dkek", "import", a.toString()); // a new DKEK: the old record no longer applies
    assertThat(Files.readAllLines(record)).hasSize(1);
  }
}
