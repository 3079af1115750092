package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret hygiene (SECURITY.md, Secret hygiene): CLI commands run with known PINs, SO-PINs and DKEK passwords
 * from the environment, with {@code --verbose} and {@code HSMKIT_DEBUG=1}, succeeding and failing
 * (wrong PIN, wrong SO-PIN, bad input); no secret may appear, in any encoding, in stdout, stderr
 * or any log record at any level (message, parameters, exception messages).
 */
class SecretHygieneTest {
  private static final String SO_PIN = "A1B2C3D4E5F60718"; // not the documented default
  private static final String PIN = "735192";
  private static final String NEW_PIN = "864209";
  private static final String WRONG_PIN = "246813";
  private static final String WRONG_SO_PIN = "1122334455667788";
  private static final String PASSWORD = "Zq7-unlikely-dkek-password";

  @TempDir Path home;
  private CliRunner cli;
  private final List<String> logged = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
      if (r.getParameters() != null) {
        for (Object p : r.getParameters()) {
          b.append(' ').append(p);
        }
      }
      for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
        b.append(' ').append(t);
      }
      synchronized (logged) {
        logged.add(b.toString());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level rootLevel;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(home);
    cli.env.put("HSMKIT_DEBUG", "1");
    Logger root = Logger.getLogger("");
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    Logger root = Logger.getLogger("");
    root.removeHandler(capture);
    root.setLevel(rootLevel);
  }

  @Test
  void pinsSoPinsAndPasswords_neverAppearInOutputOrLogs() throws Exception {
    List<CliRunner.Result> results = new ArrayList<>();
    cli.env.put("HSMKIT_SO_PIN", SO_PIN);
    cli.env.put("HSMKIT_PIN", PIN);
    results.add(cli.ok("--verbose", "init", "--dkek-shares", "1"));
    Path share = home.resolve("share.pbe");
    cli.env.put("HSMKIT_DKEK_PASSWORD", PASSWORD);
    results.add(cli.run("--verbose", "dkek", "create", share.toString()));
    results.add(cli.run("--verbose", "dkek", "import", share.toString()));
    results.add(cli.ok("--verbose", "keys", "generate", "--type", "ec:prime256v1", "--id", "01"));
    Path msg = home.resolve("msg");
    Files.writeString(msg, "hello");
    results.add(cli.ok("--verbose", "sign", "--id", "01", "--mechanism", "ecdsa-sha256", "--in",
        msg.toString(), "--out", home.resolve("sig").toString()));
    cli.env.put("HSMKIT_NEW_PIN", NEW_PIN);
    results.add(cli.run("--verbose", "pin", "change"));
    cli.env.put("HSMKIT_PIN", WRONG_PIN);
    results.add(cli.run("--verbose", "sign", "--id", "01", "--mechanism", "ecdsa-sha256", "--in",
        msg.toString(), "--out", home.resolve("sig2").toString()));
    results.add(cli.run("--verbose", "pin", "change"));
    results.add(cli.run("--verbose", "keys", "generate", "--type", "ec:nonsense", "--id", "02"));
    cli.env.put("HSMKIT_SO_PIN", WRONG_SO_PIN);
    results.add(cli.run("--verbose", "pin", "unblock"));
    results.add(cli.run("--verbose", "init", "--so-pin", "not-hex-" + PIN, "--no-dkek"));

    assertThat(results).as("some commands must fail, or the failing paths were not tried")
        .anyMatch(r -> r.exit() != 0).anyMatch(r -> r.exit() == 0);
    StringBuilder all = new StringBuilder();
    for (CliRunner.Result r : results) {
      all.append(r.out()).append('\n').append(r.err()).append('\n');
    }
    synchronized (logged) {
      logged.forEach(l -> all.append(l).append('\n'));
    }
    String text = all.toString();
    for (String secret : List.of(SO_PIN, PIN, NEW_PIN, WRONG_PIN, WRONG_SO_PIN, PASSWORD)) {
      for (String form : encodings(secret)) {
        assertThat(text).as("secret %s in the form %s", secret, form).doesNotContainIgnoringCase(form);
      }
    }
  }

  /**
   * {@code serve --verbose} with {@code HSMKIT_DEBUG=1} traces every APDU; the data of VERIFY,
   * CHANGE REFERENCE DATA, RESET RETRY COUNTER, INITIALIZE and IMPORT DKEK SHARE must never be in
   * it (only headers and status words).
   */
  @Test
  void serveVerboseTrace_neverShowsPinOrShareData() throws Exception {
    HexFormat hex = HexFormat.of().withUpperCase();
    String pin = hex.formatHex(PIN.getBytes(StandardCharsets.US_ASCII));
    String newPin = hex.formatHex(NEW_PIN.getBytes(StandardCharsets.US_ASCII));
    String share = "5EC2E75EC2E75EC2E75EC2E75EC2E75EC2E75EC2E75EC2E75EC2E75EC2E75EC2";
    List<String> apdus = List.of(
        "00A404000BE82B0601040181C31F020100",
        "805000001C" + "80020001" + "8106" + pin + "8208" + SO_PIN + "910103" + "920101",
        "0020008106" + hex.formatHex(WRONG_PIN.getBytes(StandardCharsets.US_ASCII)),
        "0020008106" + pin,
        "002400810C" + pin + newPin,
        "002C00810E" + SO_PIN + newPin,
        "8052000020" + share);
    Path stderr = home.resolve("serve.err");
    try (java.net.ServerSocket vpcd = new java.net.ServerSocket()) {
      vpcd.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      vpcd.setSoTimeout(30_000);
      ProcessBuilder pb = VpcdPeer.hsmkit(List.of("--verbose", "serve", "--state",
          home.resolve("card").toString(), "--port", String.valueOf(vpcd.getLocalPort())), stderr);
      pb.environment().put("HSMKIT_DEBUG", "1");
      Process serve = pb.start();
      try (java.net.Socket s = vpcd.accept()) {
        s.setSoTimeout(10_000);
        var in = new java.io.DataInputStream(s.getInputStream());
        var out = s.getOutputStream();
        for (String a : apdus) {
          VpcdPeer.send(out, hex.parseHex(a));
          VpcdPeer.receive(in);
        }
      } finally {
        serve.destroy();
        serve.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        serve.destroyForcibly();
      }
    }
    String trace = Files.readString(stderr);
    assertThat(trace).as("the trace is on, so the test can fail").contains("APDU 00 20 00 81")
        .contains("APDU 80 52 00 00").contains("APDU 80 50 00 00");
    for (String secret : List.of(pin, newPin, SO_PIN, WRONG_SO_PIN, share.substring(0, 16))) {
      for (String form : List.of(secret, HexFormat.ofDelimiter(" ").formatHex(hex.parseHex(secret)))) {
        assertThat(trace).as(form).doesNotContainIgnoringCase(form);
      }
    }
    for (String secret : List.of(PIN, NEW_PIN, WRONG_PIN)) {
      assertThat(trace).doesNotContain(secret);
    }
  }

  /**
   * Every PIN, SO-PIN and password buffer the CLI got from {@link
   * io.hsmkit.cli.support.Secrets} is zero once the command returns, whether it succeeded or not.
   */
  @Test
  void secretBuffers_areWipedAfterEveryCommand() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>(cli.env);
    env.put("HSMKIT_SO_PIN", SO_PIN);
    env.put("HSMKIT_PIN", PIN);
    env.put("HSMKIT_NEW_PIN", NEW_PIN);
    env.put("HSMKIT_DKEK_PASSWORD", PASSWORD);
    Path msg = home.resolve("msg");
    Files.writeString(msg, "hello");
    List<List<String>> commands = List.of(
        List.of("init", "--no-dkek"),
        List.of("keys", "generate", "--type", "ec:prime256v1", "--id", "01"),
        List.of("sign", "--id", "01", "--mechanism", "ecdsa-sha256", "--in", msg.toString(),
            "--out", home.resolve("sig").toString()),
        List.of("pin", "change"),
        List.of("sign", "--id", "01", "--mechanism", "ecdsa-sha256", "--in", msg.toString(),
            "--out", home.resolve("sig2").toString()), // the old PIN: fails
        List.of("pin", "unblock"),
        List.of("dkek", "create", home.resolve("s.pbe").toString()));
    int handedOut = 0;
    for (List<String> c : commands) {
      io.hsmkit.cli.support.Secrets secrets = io.hsmkit.cli.support.Secrets.tracking(env);
      java.io.StringWriter out = new java.io.StringWriter();
      Main.run(c.toArray(String[]::new), java.util.Map.copyOf(env), secrets,
          new java.io.PrintWriter(out), new java.io.PrintWriter(out));
      for (byte[] b : secrets.issued()) {
        assertThat(b).as("a secret buffer after hsmkit %s:\n%s", c, out).containsOnly(0);
        handedOut++;
      }
    }
    assertThat(handedOut).as("secrets handed out").isGreaterThanOrEqualTo(commands.size());
  }

  /** The forms a careless log line could give a secret. */
  private static List<String> encodings(String secret) {
    byte[] b = secret.getBytes(StandardCharsets.UTF_8);
    HexFormat hex = HexFormat.of();
    List<String> forms = new ArrayList<>(List.of(secret, hex.formatHex(b),
        HexFormat.ofDelimiter(" ").formatHex(b), HexFormat.ofDelimiter(":").formatHex(b),
        Base64.getEncoder().encodeToString(b)));
    if (secret.matches("[0-9A-Fa-f]{16}")) { // the SO-PIN travels as 8 binary bytes
      forms.add(Base64.getEncoder().encodeToString(hex.parseHex(secret)));
    }
    return forms;
  }
}
