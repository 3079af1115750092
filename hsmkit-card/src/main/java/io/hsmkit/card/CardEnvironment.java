package io.hsmkit.card;

import io.hsmkit.card.crypto.CryptoProviders;
import io.hsmkit.card.seal.KdfParams;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * What a card takes from its surroundings: randomness, time, the crypto providers it may use, the
 * PIN KDF cost for cards it initializes and the optional extra secret mixed into that KDF. Tests
 * inject deterministic or cheap ones; no rule of the card is ever switched off for them.
 *
 * @param crypto which JCA providers do the card's private-key operations; every choice gives the
 *     same card-visible behaviour ({@link CryptoProviders})
 * @param kdf Argon2id cost recorded at INITIALIZE; a card keeps the cost it was initialized with
 * @param extraSecret mixed into every PIN derivation (SECURITY.md "Keys at rest"); empty for none
 */
public record CardEnvironment(
    SecureRandom random, Clock clock, CryptoProviders crypto, KdfParams kdf, byte[] extraSecret) {

  public CardEnvironment {
    extraSecret = extraSecret.clone();
  }

  /** An environment with the given providers, the default KDF cost and no extra secret. */
  public CardEnvironment(SecureRandom random, Clock clock, CryptoProviders crypto) {
    this(random, clock, crypto, KdfParams.DEFAULT, new byte[0]);
  }

  /** An environment with the default providers ({@link CryptoProviders#detect()}). */
  public CardEnvironment(SecureRandom random, Clock clock) {
    this(random, clock, CryptoProviders.detect());
  }

  /** Strong randomness, the system clock, the default providers and KDF cost. */
  public static CardEnvironment system() {
    return new CardEnvironment(new SecureRandom(), Clock.systemUTC());
  }

  @Override
  public byte[] extraSecret() {
    return extraSecret.clone();
  }

  /** The same environment with other providers. */
  public CardEnvironment withCrypto(CryptoProviders providers) {
    return new CardEnvironment(random, clock, providers, kdf, extraSecret);
  }

  /** The same environment with another KDF cost for cards it initializes. */
  public CardEnvironment withKdf(KdfParams params) {
    return new CardEnvironment(random, clock, crypto, params, extraSecret);
  }

  /** The same environment with an extra secret (empty = none). */
  public CardEnvironment withExtraSecret(byte[] secret) {
    return new CardEnvironment(random, clock, crypto, kdf, secret);
  }

  /** Never prints the extra secret. */
  @Override
  public String toString() {
    return "CardEnvironment[" + crypto + ", " + kdf + ", extraSecret="
        + (extraSecret.length > 0) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
