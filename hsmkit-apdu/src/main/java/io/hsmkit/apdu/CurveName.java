package io.hsmkit.apdu;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The EC curves of OpenSC's SmartCard-HSM table ({@code pkcs15-sc-hsm.c: curves[]},
 * docs/protocol.md#generate) by name, with the aliases operators type (OpenSSL's {@code prime256v1},
 * NIST's {@code P-256}). Part of the protocol vocabulary both sides share: the card attaches its
 * domain parameters, the host parses {@code --type ec:CURVE}; one table, so they cannot drift.
 */
public enum CurveName {
  SECP192R1("secp192r1", "prime192v1", "p-192", "nistp192"),
  SECP256R1("secp256r1", "prime256v1", "p-256", "nistp256"),
  SECP384R1("secp384r1", "p-384", "nistp384"),
  SECP521R1("secp521r1", "p-521", "nistp521"),
  BRAINPOOLP192R1("brainpoolP192r1"),
  BRAINPOOLP224R1("brainpoolP224r1"),
  BRAINPOOLP256R1("brainpoolP256r1"),
  BRAINPOOLP320R1("brainpoolP320r1"),
  BRAINPOOLP384R1("brainpoolP384r1"),
  BRAINPOOLP512R1("brainpoolP512r1"),
  SECP192K1("secp192k1"),
  SECP256K1("secp256k1");

  private static final List<CurveName> ALL = List.of(values());

  private final String canonical;
  private final List<String> aliases;

  CurveName(String canonical, String... aliases) {
    this.canonical = canonical;
    this.aliases = List.of(aliases);
  }

  /** The name as Bouncy Castle and OpenSSL know it, e.g. {@code brainpoolP256r1}. */
  public String canonical() {
    return canonical;
  }

  /** The curve for a name or alias, ignoring case ({@code prime256v1}, {@code P-256} …). */
  public static Optional<CurveName> byName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (CurveName c : ALL) {
      if (c.canonical.toLowerCase(Locale.ROOT).equals(n) || c.aliases.contains(n)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** All of them, in OpenSC's table order. */
  public static List<CurveName> all() {
    return ALL;
  }

  @Override
  public String toString() {
    return canonical;
  }
}
