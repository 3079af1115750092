package io.hsmkit.jca.spi;

import java.util.Locale;
import java.util.Optional;

/** The hashes the provider signs with, with their JCA names and signature OIDs. */
public enum HashAlgorithm {
  SHA1("SHA-1", "SHA1", 20, "1.2.840.10045.4.1", "1.2.840.113549.1.1.5"),
  SHA224("SHA-224", "SHA224", 28, "1.2.840.10045.4.3.1", "1.2.840.113549.1.1.14"),
  SHA256("SHA-256", "SHA256", 32, "1.2.840.10045.4.3.2", "1.2.840.113549.1.1.11"),
  SHA384("SHA-384", "SHA384", 48, "1.2.840.10045.4.3.3", "1.2.840.113549.1.1.12"),
  SHA512("SHA-512", "SHA512", 64, "1.2.840.10045.4.3.4", "1.2.840.113549.1.1.13");

  private final String jcaName;
  private final String shortName;
  private final int length;
  private final String ecdsaOid;
  private final String rsaOid;

  HashAlgorithm(String jcaName, String shortName, int length, String ecdsaOid, String rsaOid) {
    this.jcaName = jcaName;
    this.shortName = shortName;
    this.length = length;
    this.ecdsaOid = ecdsaOid;
    this.rsaOid = rsaOid;
  }

  /** The {@code MessageDigest} name: {@code SHA-256}. */
  public String jcaName() {
    return jcaName;
  }

  /** The name inside signature algorithm names: {@code SHA256}. */
  public String shortName() {
    return shortName;
  }

  /** Output length in bytes. */
  public int length() {
    return length;
  }

  /** OID of ecdsa-with-SHAx. */
  public String ecdsaOid() {
    return ecdsaOid;
  }

  /** OID of shaXWithRSAEncryption. */
  public String rsaOid() {
    return rsaOid;
  }

  /** By any usual spelling: {@code SHA-256}, {@code SHA256}, {@code sha-256}; {@code SHA} is SHA-1. */
  public static Optional<HashAlgorithm> byName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.toUpperCase(Locale.ROOT).replace("-", "");
    if (n.equals("SHA")) {
      return Optional.of(SHA1);
    }
    for (HashAlgorithm h : values()) {
      if (h.shortName.equals(n)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
