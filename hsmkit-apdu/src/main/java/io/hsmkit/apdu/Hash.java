package io.hsmkit.apdu;

import java.util.Optional;

/**
 * The hash functions of the SmartCard-HSM algorithm ids (docs/protocol.md#sign), with the names
 * and OIDs both sides need; the card and the host map their implementations from these.
 */
public enum Hash {
  SHA1("SHA-1", "SHA1", 20, "1.3.14.3.2.26"),
  SHA224("SHA-224", "SHA224", 28, "2.16.840.1.101.3.4.2.4"),
  SHA256("SHA-256", "SHA256", 32, "2.16.840.1.101.3.4.2.1"),
  SHA384("SHA-384", "SHA384", 48, "2.16.840.1.101.3.4.2.2"),
  SHA512("SHA-512", "SHA512", 64, "2.16.840.1.101.3.4.2.3");

  private final String jcaName;
  private final String shortName;
  private final int length;
  private final String oid;

  Hash(String jcaName, String shortName, int length, String oid) {
    this.jcaName = jcaName;
    this.shortName = shortName;
    this.length = length;
    this.oid = oid;
  }

  /** The {@code MessageDigest} name, e.g. {@code SHA-256}. */
  public String jcaName() {
    return jcaName;
  }

  /** The name inside signature algorithm names, e.g. {@code SHA256}. */
  public String shortName() {
    return shortName;
  }

  /** Output length in bytes. */
  public int length() {
    return length;
  }

  /** The OID of the function, as in a PKCS#1 DigestInfo, dotted. */
  public String oid() {
    return oid;
  }

  /** The function whose output has {@code length} bytes (20 is taken as SHA-1). */
  public static Optional<Hash> byLength(int length) {
    for (Hash h : values()) {
      if (h.length == length) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /** By its JCA name ({@code SHA-256}), exactly. */
  public static Optional<Hash> byJcaName(String name) {
    for (Hash h : values()) {
      if (h.jcaName.equals(name)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
