package io.hsmkit.it;

import java.nio.file.Path;
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
