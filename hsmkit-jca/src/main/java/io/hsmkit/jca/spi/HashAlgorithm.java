package io.hsmkit.jca.spi;

import io.hsmkit.apdu.Hash;
import java.util.Locale;
import java.util.Optional;

/**
 * The hashes the provider signs with: the shared table {@link Hash} (names, length) plus the
 * X.509 signature OIDs the provider registers.
 */
public enum HashAlgorithm {
  SHA1(Hash.SHA1, "1.2.840.10045.4.1", "1.2.840.113549.1.1.5"),
  SHA224(Hash.SHA224, "1.2.840.10045.4.3.1", "1.2.840.113549.1.1.14"),
  SHA256(Hash.SHA256, "1.2.840.10045.4.3.2", "1.2.840.113549.1.1.11"),
  SHA384(Hash.SHA384, "1.2.840.10045.4.3.3", "1.2.840.113549.1.1.12"),
  SHA512(Hash.SHA512, "1.2.840.10045.4.3.4", "1.2.840.113549.1.1.13");

  private final Hash hash;
  private final String jcaName;
  private final String shortName;
  private final int length;
  private final String ecdsaOid;
  private final String rsaOid;

  HashAlgorithm(Hash hash, String ecdsaOid, String rsaOid) {
    this.hash = hash;
    this.jcaName = hash.jcaName();
    this.shortName = hash.shortName();
    this.length = hash.length();
    this.ecdsaOid = ecdsaOid;
    this.rsaOid = rsaOid;
  }

  /** The shared-table entry. */
  public Hash hash() {
    return hash;
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
