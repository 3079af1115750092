package io.hsmkit.card.crypto;

import io.hsmkit.card.state.KeyRecord.KeyType;
import java.util.Optional;

/**
 * The SmartCard-HSM algorithm identifiers (P2 of SIGN and DECIPHER), named after OpenSC's {@code
 * card-sc-hsm.h} ({@code ALGO_*}) with their wire values (sc-hsm-protocol.md §2.13). Wrap and
 * unwrap (92 / 93) belong to the key-wrap commands and are not listed here.
 */
public enum AlgorithmId {
  /** m^d mod n on a block OpenSC has already padded; what OpenSC 0.23 uses for PKCS#1. */
  RSA_RAW(0x20, KeyType.RSA, Operation.SIGN, null),
  /** Raw RSA decryption; OpenSC strips the padding itself. */
  RSA_DECRYPT(0x21, KeyType.RSA, Operation.DECIPHER, null),
  /** PKCS#1 v1.5 signature over a DigestInfo given by the host. */
  RSA_PKCS1(0x30, KeyType.RSA, Operation.SIGN, null),
  RSA_PKCS1_SHA1(0x31, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA1),
  RSA_PKCS1_SHA256(0x33, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA256),
  /** RSA-PSS over a hash (or a DigestInfo) given by the host. */
  RSA_PSS(0x40, KeyType.RSA, Operation.SIGN, null),
  RSA_PSS_SHA1(0x41, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA1),
  RSA_PSS_SHA256(0x43, KeyType.RSA, Operation.SIGN, HashAlgorithm.SHA256),
  /** ECDSA over a hash given by the host. */
  EC_RAW(0x70, KeyType.EC, Operation.SIGN, null),
  EC_SHA1(0x71, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA1),
  EC_SHA224(0x72, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA224),
  EC_SHA256(0x73, KeyType.EC, Operation.SIGN, HashAlgorithm.SHA256),
  /** ECDH: the peer's point in, the shared point out. */
  EC_DH(0x80, KeyType.EC, Operation.DECIPHER, null);

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
