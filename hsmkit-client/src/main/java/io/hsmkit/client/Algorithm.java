package io.hsmkit.client;

/** SmartCard-HSM algorithm identifiers with their wire values (OpenSC {@code card-sc-hsm.h}). */
public enum Algorithm {
  RSA_RAW(0x20),
  RSA_DECRYPT_RAW(0x21),
  RSA_PKCS1(0x30),
  RSA_PKCS1_SHA1(0x31),
  RSA_PKCS1_SHA256(0x33),
  RSA_PSS(0x40),
  RSA_PSS_SHA1(0x41),
  RSA_PSS_SHA256(0x43),
  EC_RAW(0x70),
  EC_SHA1(0x71),
  EC_SHA224(0x72),
  EC_SHA256(0x73),
  EC_DH(0x80),
  WRAP(0x92),
  UNWRAP(0x93);

  private final int id;

  Algorithm(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }
}
