package io.hsmkit.proptest;

import java.util.SplittableRandom;

/**
 * Runs a property over many generated cases, each from a seed of its own, and names that seed
 * when a case fails so that it can be replayed alone.
 *
 * <p>Case counts: a property passes its count to {@link #forAll}; counts given as {@link
 * #tries(int)} can be raised for a whole run with {@code -Dhsmkit.tries=N} (scripts/long-tests.sh
 * does). {@code -Dhsmkit.seed=0x…} runs the one case with that seed. Without it the seeds differ
 * from run to run, so that every run explores new cases.
 */
public final class Property {
  /** System property: the case count of properties that take the default ({@link #tries}). */
  public static final String TRIES = "hsmkit.tries";
  /** System property: run only the case with this seed (hex with 0x, or decimal). */
  public static final String SEED = "hsmkit.seed";

  private Property() {}

  /** One case of a property; may throw anything, which fails the property. */
  @FunctionalInterface
  public interface Case {
    void check(Gen gen) throws Exception;
  }

  /** {@code defaultTries}, or the count of {@code -Dhsmkit.tries} when set. */
  public static int tries(int defaultTries) {
    String v = System.getProperty(TRIES);
    if (v == null || v.isBlank()) {
      return defaultTries;
    }
    int n = Integer.parseInt(v.trim());
    if (n < 1) {
      throw new IllegalArgumentException(TRIES + " must be at least 1, not " + n);
    }
    return n;
  }

  /**
   * Checks {@code property} on {@code tries} cases and returns the number checked.
   *
   * @throws AssertionError for the first failing case, naming its seed, with the failure as cause
   */
  public static int forAll(int tries, Case property) {
    String only = System.getProperty(SEED);
    if (only != null && !only.isBlank()) {
      long seed = parseSeed(only.trim());
      run(property, seed, 0, 1);
      return 1;
    }
    SplittableRandom seeds = new SplittableRandom();
    for (int i = 0; i < tries; i++) {
      run(property, seeds.nextLong(), i, tries);
    }
    return tries;
  }

  /** A seed as the failure message prints it (0x and 16 hex digits, unsigned), or decimal. */
  static long parseSeed(String s) {
    if (s.startsWith("0x") || s.startsWith("0X")) {
      return Long.parseUnsignedLong(s.substring(2), 16);
    }
    return Long.parseLong(s);
  }

  private static void run(Case property, long seed, int index, int tries) {
    try {
      property.check(new Gen(seed));
    } catch (Exception | AssertionError e) {
      throw new AssertionError(
          String.format(
              "property failed on case %d of %d; replay it with -D%s=0x%016x: %s",
              index + 1, tries, SEED, seed, e),
          e);
    }
  }
}
