package io.hsmkit.card.state;

import java.util.Arrays;

/**
 * A private (or, for {@link KeyType#AES}, secret) key held by the card under key reference {@code id} (EF {@code CCxx}).
 *
 * @param id key reference 0..255 (0 = the device authentication key)
 * @param type RSA, EC or AES
 * @param sizeBits RSA modulus length, EC field length or AES key length in bits
 * @param curve the EC curve name (as in {@code Curves}), or empty for RSA
 * @param privateKey the stored private part: PKCS#8 when {@code sealed} is false (the device key,
 *     and a key in transit between decoding and sealing), else the PKCS#8 sealed under the master
 *     key (SECURITY.md "Keys at rest")
 * @param publicKey X.509 SubjectPublicKeyInfo encoding of the public key
 * @param algorithms allowed SC-HSM algorithm ids (empty = any that fits the key), from UNWRAP
 * @param sealed whether {@code privateKey} is sealed
 */
public record KeyRecord(
    int id, KeyType type, int sizeBits, String curve, byte[] privateKey, byte[] publicKey,
    byte[] algorithms, boolean sealed) {

  /**
   * The key's algorithm family. {@link #code()} is what the state file stores
   * (docs/protocol.md#state-model): explicit and never reused, so reordering or adding constants
   * does not change the meaning of a stored card.
   */
  public enum KeyType {
    RSA(0),
    EC(1),
    /** A secret AES key: {@code privateKey} holds the raw 16/24/32 key bytes, no public key. */
    AES(2);

    private final int code;

    KeyType(int code) {
      this.code = code;
    }

    /** The byte the state file stores for this type. */
    public int code() {
      return code;
    }

    /** The type stored as {@code code}, or empty for a code no type has. */
    public static java.util.Optional<KeyType> fromCode(int code) {
      for (KeyType t : values()) {
        if (t.code == code) {
          return java.util.Optional.of(t);
        }
      }
      return java.util.Optional.empty();
    }
  }

  public KeyRecord {
    if (id < 0 || id > 255) {
      throw new IllegalArgumentException("key id out of range: " + id);
    }
    privateKey = privateKey.clone();
    publicKey = publicKey.clone();
    algorithms = algorithms.clone();
  }

  /** A record with a plaintext PKCS#8 private key. */
  public KeyRecord(
      int id, KeyType type, int sizeBits, String curve, byte[] privateKey, byte[] publicKey,
      byte[] algorithms) {
    this(id, type, sizeBits, curve, privateKey, publicKey, algorithms, false);
  }

  /** The same key with its private part replaced by {@code sealedPrivate}. */
  public KeyRecord withSealedPrivate(byte[] sealedPrivate) {
    return new KeyRecord(id, type, sizeBits, curve, sealedPrivate, publicKey, algorithms, true);
  }

  /** The same key with its private part in plaintext (migration and unsealing only). */
  public KeyRecord withPlainPrivate(byte[] pkcs8) {
    return new KeyRecord(id, type, sizeBits, curve, pkcs8, publicKey, algorithms, false);
  }

  @Override
  public byte[] privateKey() {
    return privateKey.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] algorithms() {
    return algorithms.clone();
  }

  /** True when the allow-list is empty (any algorithm that fits) or contains {@code id}. */
  public boolean allows(int algorithmId) {
    if (algorithms.length == 0) {
      return true;
    }
    for (byte b : algorithms) {
      if ((b & 0xFF) == algorithmId) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyRecord k
        && k.id == id
        && k.type == type
        && k.sizeBits == sizeBits
        && k.sealed == sealed
        && k.curve.equals(curve)
        && Arrays.equals(k.privateKey, privateKey)
        && Arrays.equals(k.publicKey, publicKey)
        && Arrays.equals(k.algorithms, algorithms);
  }

  @Override
  public int hashCode() {
    return 31 * id + Arrays.hashCode(publicKey);
  }

  /** Never prints key material. */
  @Override
  public String toString() {
    return "KeyRecord[id=" + id + ", " + type + " " + sizeBits + (curve.isEmpty() ? "" : " " + curve)
        + "]";
  }
}
