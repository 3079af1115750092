package io.hsmkit.card;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * What a card takes from its surroundings: randomness and time. Tests inject deterministic ones;
 * no rule of the card is ever switched off for them (style.md §7.6).
 */
public record CardEnvironment(SecureRandom random, Clock clock) {

  /** Strong randomness and the system clock. */
  public static CardEnvironment system() {
    return new CardEnvironment(new SecureRandom(), Clock.systemUTC());
  }
}
