package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pcscd (in the namespace) per test class; a factory-new card, served from a fresh state
 * directory, per test. Everything is stopped by PID afterwards, also when a test fails.
 */
abstract class InteropTestBase {
  static final String SO_PIN = "3537363231383830";
  static final String USER_PIN = "358138";

  static Harness harness;

  @TempDir Path temp;

  /** The card of the running test. */
  Path stateDir;

  /** Its serial number as announced by {@code hsmkit serve}. */
  String serial;

  /** The environment of {@link #hsmkitOk}'s runs: PINs and passwords, as the runbooks pass them. */
  final Map<String, String> env = new HashMap<>();

  /** Runs {@code hsmkit ARGS} with {@link #env} and asserts exit 0. */
  Tool.Result hsmkitOk(String... args) {
    Tool.Result r = harness.hsmkit(env, args);
    assertThat(r.exit()).as(r.describe()).isZero();
    return r;
  }

  /** Runs {@code hsmkit --token pcsc:<reader 0> ARGS} with {@link #env} and asserts exit 0. */
  Tool.Result pcsc(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--token";
    all[1] = "pcsc:" + Harness.READER;
    System.arraycopy(args, 0, all, 2, args.length);
    return hsmkitOk(all);
  }

  @BeforeAll
  static void startHarness() {
    harness = Harness.start();
  }

  @AfterAll
  static void stopHarness() {
    if (harness != null) {
      Harness h = harness;
      harness = null;
      h.close();
    }
  }

  @BeforeEach
  void serveFreshCard() {
    stateDir = temp.resolve("card");
    serial = harness.serve(stateDir);
  }

  @AfterEach
  void stopCard() {
    if (harness != null) {
      harness.stopAllServes();
    }
  }
}
