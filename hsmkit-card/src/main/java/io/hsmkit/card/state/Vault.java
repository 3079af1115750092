package io.hsmkit.card.state;

import io.hsmkit.card.seal.KdfParams;
import java.util.Arrays;

/**
 * What an initialized card stores to find its master key (format v2; SECURITY.md "Keys at rest"):
 * the master key wrapped twice, under Argon2id(user PIN) and Argon2id(SO-PIN), with the KDF cost
 * and per-card salt they were made with; the import key pair that seals DKEK shares arriving
 * without a PIN; and a check value of the optional extra secret. Immutable.
 *
 * @param kdf Argon2id cost of both PIN-derived keys
 * @param salt per-card random salt (16 bytes)
 * @param userWrap the master key sealed under the user-PIN key
 * @param soWrap the master key sealed under the SO-PIN key
 * @param userPinLength CHANGE REFERENCE DATA splits {@code old || new} at it (docs/protocol.md#change-reference-data), so it is kept
 * @param importPublic X25519 public key that DKEK shares are sealed to
 * @param importPrivate its private key, sealed under the master key
 * @param secretCheck HMAC of the salt under the extra secret, empty when the card has none
 */
public record Vault(
    KdfParams kdf, byte[] salt, byte[] userWrap, byte[] soWrap, int userPinLength,
    byte[] importPublic, byte[] importPrivate, byte[] secretCheck) {

  public Vault {
    salt = salt.clone();
    userWrap = userWrap.clone();
    soWrap = soWrap.clone();
    importPublic = importPublic.clone();
    importPrivate = importPrivate.clone();
    secretCheck = secretCheck.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] userWrap() {
    return userWrap.clone();
  }

  @Override
  public byte[] soWrap() {
    return soWrap.clone();
  }

  @Override
  public byte[] importPublic() {
    return importPublic.clone();
  }

  @Override
  public byte[] importPrivate() {
    return importPrivate.clone();
  }

  @Override
  public byte[] secretCheck() {
    return secretCheck.clone();
  }

  public Vault withUserWrap(byte[] wrap, int pinLength) {
    return new Vault(kdf, salt, wrap, soWrap, pinLength, importPublic, importPrivate, secretCheck);
  }

  public Vault withSoWrap(byte[] wrap) {
    return new Vault(kdf, salt, userWrap, wrap, userPinLength, importPublic, importPrivate,
        secretCheck);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vault v
        && v.kdf.equals(kdf)
        && Arrays.equals(v.salt, salt)
        && Arrays.equals(v.userWrap, userWrap)
        && Arrays.equals(v.soWrap, soWrap)
        && v.userPinLength == userPinLength
        && Arrays.equals(v.importPublic, importPublic)
        && Arrays.equals(v.importPrivate, importPrivate)
        && Arrays.equals(v.secretCheck, secretCheck);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(userWrap);
  }

  @Override
  public String toString() {
    return "Vault[" + kdf + "]";
  }
}
