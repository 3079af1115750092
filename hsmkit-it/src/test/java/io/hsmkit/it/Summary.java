package io.hsmkit.it;

import java.util.Map;

/**
 * Figures for the long-run summary: one {@code [hsmkit-summary] section: name = value} line per
 * figure on stdout, which {@code scripts/long-tests.sh} collects from the build log into
 * target/long-summary.txt.
 */
final class Summary {
  private Summary() {}

  static void record(String section, Map<String, ?> figures) {
    figures.forEach((k, v) -> System.out.println("[hsmkit-summary] " + section + ": " + k + " = " + v));
  }

  static void recordAll(String section, Map<String, Integer> figures) {
    record(section, figures);
  }
}
