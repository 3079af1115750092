package io.hsmkit.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * pcscd + vpcd in the private namespace, and {@code hsmkit serve} in it, driven through {@code
 * scripts/pcsc-harness.sh} with a run directory of its own (target/it-run). Every process is
 * started by the script and stopped by its recorded PID.
 *
 * <p>When {@code CI=true} nothing is skipped: a missing tool or permission fails the tests. Else,
 * tests are skipped with the reason when the machine cannot run them (not root, tools missing,
 * another pcscd owns /run/pcscd).
 */
final class Harness implements AutoCloseable {
  static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
  static final int PORT = 35963;
  static final String READER = "Virtual PCD 00 00";
  /** vpcd's second slot: a second card at the same time, reader "Virtual PCD 00 01". */
  static final int PORT2 = 35964;
  static final String READER2 = "Virtual PCD 00 01";
  /** Options of ./hsmkit that take a secret: the ITs must use the environment instead. */
  private static final java.util.Set<String> SECRET_OPTIONS =
      java.util.Set.of("--pin", "--so-pin", "--new-pin", "--new-so-pin", "--password");

  private static final Pattern SERVING = Pattern.compile("hsmkit: serving card (\\S+) from");
  private static final List<String> ENVIRONMENT_FAILURES =
      List.of(
          "another pcscd",
          "a pcscd (pid",
          "needs root",
          "is missing",
          "not running and not ours",
          "Operation not permitted",
          "has processes that this harness did not start");

  private final Path root;
  private final Path runDir;
  private final Path script;
  private final Map<String, String> env;
  private final Thread safetyNet;
  private volatile boolean started;

  private Harness(Path root, Path runDir) {
    this.root = root;
    this.runDir = runDir;
    this.script = root.resolve("scripts/pcsc-harness.sh");
    this.env =
        Map.of(
            "HSMKIT_RUN_DIR", runDir.toString(),
            // Inside a Maven build the reactor has just packaged the CLI: never build again.
            "HSMKIT_SKIP_BUILD", System.getProperty("hsmkit.skipBuild", "0"));
    this.safetyNet = new Thread(this::stopQuietly, "hsmkit-it-harness-stop");
  }

  /** Checks the machine, then starts pcscd in the namespace (or skips outside CI). */
  static Harness start() {
    Path root = Path.of(System.getProperty("hsmkit.root", "..")).toAbsolutePath().normalize();
    Path runDir =
        Path.of(System.getProperty("hsmkit.runDir", root.resolve("hsmkit-it/target/it-run").toString()))
            .toAbsolutePath()
            .normalize();
    Harness h = new Harness(root, runDir);
    h.checkMachine();
    OpenScInstall.version(); // names the OpenSC under test on the build output
    Runtime.getRuntime().addShutdownHook(h.safetyNet); // if the test JVM is stopped midway
    h.started = true;
    Tool.Result r = h.script("start");
    if (r.exit() != 0) {
      h.stopQuietly(); // whatever part of it did start
      Runtime.getRuntime().removeShutdownHook(h.safetyNet);
      boolean environmental = ENVIRONMENT_FAILURES.stream().anyMatch(r.stderr()::contains);
      if (!CI && environmental) {
        skip("interop harness cannot start here: " + r.stderr().strip());
      }
      fail("interop harness did not start:\n" + r.describe());
    }
    return h;
  }

  private void checkMachine() {
    List<String> problems = new ArrayList<>();
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      problems.add("not Linux");
    }
    Tool.Result id = Tool.run(List.of("id", "-u"));
    if (!id.stdout().strip().equals("0")) {
      problems.add("not root (network namespaces and /run/pcscd need root)");
    }
    for (String t :
        List.of("ip", "pcscd", "setsid", "opensc-tool", "pkcs11-tool", "pkcs15-tool", "sc-hsm-tool",
            "openssl", "expect")) {
      if (!Tool.onPath(t)) {
        problems.add("'" + t + "' not installed");
      }
    }
    String install = OpenScInstall.problem();
    if (install != null) {
      fail(install); // asked for explicitly: never a skip
    }
    if (!Files.exists(Path.of("/etc/reader.conf.d/vpcd"))) {
      problems.add("vsmartcard-vpcd not installed (/etc/reader.conf.d/vpcd)");
    }
    if (!Files.isExecutable(root.resolve("hsmkit")) || !Files.isExecutable(script)) {
      problems.add("launcher or harness script not found under " + root);
    }
    if (problems.isEmpty()) {
      return;
    }
    String why = String.join("; ", problems) + " (scripts/install-test-deps.sh installs the tools)";
    if (CI) {
      fail("interop tests cannot run on this CI machine: " + why);
    }
    skip("interop tests skipped: " + why);
  }

  /** Skips the test class, saying why on the build output as well as in the report. */
  private static void skip(String reason) {
    System.err.println("[hsmkit-it] SKIPPED (CI is not set): " + reason);
    Assumptions.abort(reason);
  }

  Path runDir() {
    return runDir;
  }

  Tool.Result script(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(script.toString());
    argv.addAll(List.of(args));
    return Tool.run(argv, env, Duration.ofMinutes(3));
  }

  Path root() {
    return root;
  }

  /**
   * Starts {@code hsmkit serve --state dir} in the namespace and waits until OpenSC sees the
   * card. Returns the serial number it announced.
   */
  String serve(Path stateDir) {
    return serve(stateDir, PORT);
  }

  /** {@link #serve(Path)} on vpcd port {@code port} (35963 = reader 0, 35964 = reader 1). */
  String serve(Path stateDir, int port) {
    Tool.Result r = script("serve", stateDir.toString(), String.valueOf(port));
    if (r.exit() != 0) {
      fail("hsmkit serve did not start:\n" + r.describe() + "\n--- serve log ---\n"
          + serveLog(port));
    }
    awaitCard(port);
    Matcher m = SERVING.matcher(serveLog(port));
    if (!m.find()) {
      fail("no 'serving card' line in the serve log:\n" + serveLog(port));
    }
    return m.group(1);
  }

  void stopServe() {
    stopServe(PORT);
  }

  void stopServe(int port) {
    Tool.Result r = script("serve-stop", String.valueOf(port));
    if (r.exit() != 0) {
      fail("hsmkit serve did not stop:\n" + r.describe());
    }
  }

  /** Stops every emulator this harness started (both vpcd slots). */
  void stopAllServes() {
    Tool.Result r = script("serve-stop");
    if (r.exit() != 0) {
      fail("hsmkit serve did not stop:\n" + r.describe());
    }
  }

  /**
   * Takes the card out of reader 0 and puts another one in: stops the emulator on port 35963 and
   * serves {@code stateDir} there (a new directory = a factory-new card; the old one = the same
   * card again). Returns the serial number of the card now in the reader.
   */
  String swapCard(Path stateDir) {
    stopServe(PORT);
    return serve(stateDir, PORT);
  }

  /** PID of the running emulator, from the harness's pid file. */
  long servePid() {
    try {
      return Long.parseLong(Files.readString(runDir.resolve("serve-" + PORT + ".pid")).strip());
    } catch (IOException | NumberFormatException e) {
      throw new AssertionError("no serve pid file", e);
    }
  }

  String serveLog() {
    return serveLog(PORT);
  }

  String serveLog(int port) {
    try {
      return Files.readString(runDir.resolve("serve-" + port + ".log"));
    } catch (IOException e) {
      return "(no serve log: " + e + ")";
    }
  }

  /**
   * Runs {@code ./hsmkit ARGS} from the checkout in the main namespace (PC/SC reaches pcscd
   * through its socket), with {@code env} added: secrets go there ({@code HSMKIT_PIN}, {@code
   * HSMKIT_DKEK_PASSWORD}, ...), never on the command line. {@code HSMKIT_HOME} points into the
   * run directory so that nothing touches the user's ~/.hsmkit.
   */
  Tool.Result hsmkit(Map<String, String> env, String... args) {
    for (String a : args) {
      String option = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (SECRET_OPTIONS.contains(option)) {
        // Another process's argv is readable by every user (ps, /proc/PID/cmdline).
        throw new AssertionError("./hsmkit " + option + " on the command line: pass the secret in "
            + "the environment (HSMKIT_PIN, HSMKIT_SO_PIN, HSMKIT_NEW_PIN, HSMKIT_DKEK_PASSWORD)");
      }
    }
    Map<String, String> all = new java.util.HashMap<>(this.env);
    all.put("HSMKIT_HOME", runDir.resolve("hsmkit-home").toString());
    all.putAll(env);
    List<String> argv = new ArrayList<>();
    argv.add(root.resolve("hsmkit").toString());
    argv.addAll(List.of(args));
    return Tool.run(argv, all, Duration.ofMinutes(3));
  }

  /** Stops pcscd only (SIGKILL with {@code kill}), leaving the namespace and the emulator. */
  void stopPcscd(boolean kill) {
    Tool.Result r = kill ? script("pcscd-stop", "--kill") : script("pcscd-stop");
    if (r.exit() != 0) {
      fail("pcscd did not stop:\n" + r.describe());
    }
  }

  void startPcscd() {
    Tool.Result r = script("start");
    if (r.exit() != 0) {
      fail("pcscd did not start again:\n" + r.describe());
    }
  }

  /** Waits (20 s at most) until {@code opensc-tool -n} names the SmartCard-HSM in reader 0. */
  void awaitCard() {
    awaitCard(PORT);
  }

  /** Waits (20 s at most) until OpenSC sees the SmartCard-HSM served on {@code port}. */
  void awaitCard(int port) {
    String reader = String.valueOf(port - PORT);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Tool.Result last;
    do {
      last = Tool.run(List.of("opensc-tool", "--reader", reader, "-n"));
      if (last.exit() == 0 && last.stdout().contains("SmartCard-HSM")) {
        return;
      }
      sleep(200);
    } while (System.nanoTime() < deadline);
    fail("OpenSC did not see the card within 20 s:\n" + last.describe() + "\n--- serve log ---\n"
        + serveLog(port));
  }

  /** Stops the emulator, pcscd and the namespace. */
  @Override
  public void close() {
    if (!started) {
      return;
    }
    Tool.Result r = script("stop");
    started = false;
    try {
      Runtime.getRuntime().removeShutdownHook(safetyNet);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to
    }
    if (r.exit() != 0) {
      fail("interop harness did not stop cleanly:\n" + r.describe());
    }
  }

  private void stopQuietly() {
    if (started) {
      script("stop");
      started = false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
