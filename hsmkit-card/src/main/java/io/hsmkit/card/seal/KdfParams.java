package io.hsmkit.card.seal;

/**
 * Argon2id cost of the PIN-derived keys. Recorded in the card state at INITIALIZE, so a card keeps
 * the cost it was made with and a later hsmkit can raise the default without locking old cards out.
 *
 * @param memoryKiB memory per derivation in KiB (at least {@code 8 * parallelism})
 * @param iterations passes over the memory
 * @param parallelism lanes
 */
public record KdfParams(int memoryKiB, int iterations, int parallelism) {
  /**
   * The default for real cards: 64 MiB, 2 passes, 1 lane, about 0.1 to 0.2 s per derivation on the
   * 2-core build machine (SECURITY.md, "PIN policy"). Memory-hard, so guessing on a GPU gains less
   * than with PBKDF2.
   */
  public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 2, 1);

  /**
   * The cheapest cost Argon2 allows (8 KiB, 1 pass). For unit tests that make hundreds of cards;
   * it keeps every code path and only removes the brute-force cost. Never a default.
   */
  public static final KdfParams CHEAP = new KdfParams(8, 1, 1);

  public KdfParams {
    if (parallelism < 1 || parallelism > 16 || iterations < 1 || iterations > 100
        || memoryKiB < 8 * parallelism || memoryKiB > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("Argon2 parameters out of range");
    }
  }
}
