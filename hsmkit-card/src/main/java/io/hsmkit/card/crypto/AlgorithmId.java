package io.hsmkit.card.crypto;

import io.hsmkit.card.state.KeyRecord.KeyType;
import java.util.Optional;

/**
 * The SmartCard-HSM algorithm identifiers (P2 of SIGN and DECIPHER), named after OpenSC's {@code
 * card-sc-hsm.h} ({@code ALGO_*}) with their wire values; the table and where each id comes from
 * are in docs/protocol-notes-ecdsa.md. Ids outside it (pico-hsm's SHA-224 RSA ids 32 / 42 among
 * them: no CardContact source defines them) answer {@code 6A86}. Wrap and unwrap (92 / 93) belong
 * to the key-wrap commands and are not listed here.
 */
public enum AlgorithmId {
  /** m^d mod n on a block the host has padded; what OpenSC uses for every PKCS#1 v1.5 signature. */
  RSA_RAW(0x20, KeyType.RSA, Operation.SIGN, null),
  /** Raw RSA decryption; OpenSC strips the padding itself. */
  RSA_DECRYPT(0x21, KeyType.RSA, Operation.DECIPHER, null),
  /** PKCS#1 v1.5 signature over a DigestInfo given by the host. */
  RSA_PKCS1(0x30, KeyType.RSA, Operation.SIGN, null),
  /** PKCS#1 v1.5: the card hashes the whole message and signs its DigestInfo (31, 33, 34, 35). */
  RSA_PKCS1_SHA1(0x31, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA1),
  RSA_PKCS1_SHA256(0x33, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA256),
  RSA_PKCS1_SHA384(0x34, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA384),
  RSA_PKCS1_SHA512(0x35, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA512),
  /** RSA-PSS over a hash (or a DigestInfo) given by the host. */
  RSA_PSS(0x40, KeyType.RSA, Operation.SIGN, null),
  /** RSA-PSS over the whole message hashed by the card; MGF1 and salt length as the hash. */
  RSA_PSS_SHA1(0x41, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA1),
  RSA_PSS_SHA256(0x43, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA256),
  RSA_PSS_SHA384(0x44, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA384),
  RSA_PSS_SHA512(0x45, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA512),
  /** ECDSA over a hash given by the host. */
  EC_RAW(0x70, KeyType.EC, Operation.SIGN, null),
  /** ECDSA over the whole message hashed by the card (OpenSC 0.26+ sends 74 / 75 too). */
  EC_SHA1(0x71, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA1),
  EC_SHA224(0x72, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA224),
  EC_SHA256(0x73, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA256),
  EC_SHA384(0x74, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA384),
  EC_SHA512(0x75, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA512),
  /** ECDH: the peer's point in, the shared point out. */
  EC_DH(0x80, KeyType.EC, Operation.DECIPHER, null);

  /** What the card does with the (possibly hashed) input. */
  public enum Scheme {
    RSA_RAW,
    RSA_DECRYPT,
    RSA_PKCS1,
    RSA_PSS,
    ECDSA,
    ECDH
  }

  /** The command an algorithm belongs to. */
  public enum Operation {
    SIGN,
    DECIPHER
  }

  private final int id;
  private final KeyType keyType;
  private final Operation operation;
  private final HashAlgorithm messageHash;

  AlgorithmId(int id, KeyType keyType, Operation operation, HashAlgorithm messageHash) {
    this.id = id;
    this.keyType = keyType;
    this.operation = operation;
    this.messageHash = messageHash;
  }

  /** The wire value. */
  public int id() {
    return id;
  }

  public KeyType keyType() {
    return keyType;
  }

  public Operation operation() {
    return operation;
  }

  /** The scheme, shared by the host-hashed id and its card-hashed variants. */
  public Scheme scheme() {
    return switch (this) {
      case RSA_RAW -> Scheme.RSA_RAW;
      case RSA_DECRYPT -> Scheme.RSA_DECRYPT;
      case RSA_PKCS1, RSA_PKCS1_SHA1, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512 ->
          Scheme.RSA_PKCS1;
      case RSA_PSS, RSA_PSS_SHA1, RSA_PSS_SHA256, RSA_PSS_SHA384, RSA_PSS_SHA512 -> Scheme.RSA_PSS;
      case EC_RAW, EC_SHA1, EC_SHA224, EC_SHA256, EC_SHA384, EC_SHA512 -> Scheme.ECDSA;
      case EC_DH -> Scheme.ECDH;
    };
  }

  /** The hash the card computes over the whole message, for the hash-and-sign variants. */
  public Optional<HashAlgorithm> messageHash() {
    return Optional.ofNullable(messageHash);
  }

  /** The algorithm with wire value {@code id} for {@code operation}, if there is one. */
  public static Optional<AlgorithmId> of(int id, Operation operation) {
    for (AlgorithmId a : values()) {
      if (a.id == id && a.operation == operation) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
