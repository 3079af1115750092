package io.hsmkit.card;

import io.hsmkit.card.crypto.CryptoProviders;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * What a card takes from its surroundings: randomness, time, and the crypto providers it may use.
 * Tests inject deterministic ones; no rule of the card is ever switched off for them (style.md
 * §7.6).
 *
 * @param crypto which JCA providers do the card's private-key operations; every choice gives the
 *     same card-visible behaviour ({@link CryptoProviders})
 */
public record CardEnvironment(SecureRandom random, Clock clock, CryptoProviders crypto) {

  /** An environment with the default providers ({@link CryptoProviders#detect()}). */
  public CardEnvironment(SecureRandom random, Clock clock) {
    this(random, clock, CryptoProviders.detect());
  }

  /** Strong randomness, the system clock and the default providers. */
  public static CardEnvironment system() {
    return new CardEnvironment(new SecureRandom(), Clock.systemUTC());
  }

  /** The same environment with other providers. */
  public CardEnvironment withCrypto(CryptoProviders providers) {
    return new CardEnvironment(random, clock, providers);
  }
}
