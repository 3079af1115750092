package io.hsmkit.apdu;

import java.util.Optional;

/**
 * The SmartCard-HSM algorithm identifiers (P2 of SIGN, DECIPHER, WRAP KEY, UNWRAP KEY and CIPHER), named
 * after OpenSC's {@code card-sc-hsm.h} ({@code ALGO_*}), with the key type, the scheme (padding)
 * and the hash the card computes over the message (docs/protocol.md#sign). The one table of these
 * ids: the card looks P2 up here, the host picks what it sends from here. Ids outside it answer
 * {@code 6A86}.
 */
public enum AlgorithmId {
  /** m^d mod n on a block the host has padded; what OpenSC uses for every PKCS#1 v1.5 signature. */
  RSA_RAW(0x20, KeyKind.RSA, Operation.SIGN, Scheme.RSA_RAW, null),
  /** Raw RSA decryption; OpenSC strips the padding itself. */
  RSA_DECRYPT(0x21, KeyKind.RSA, Operation.DECIPHER, Scheme.RSA_DECRYPT, null),
  /** PKCS#1 v1.5 signature over a DigestInfo given by the host. */
  RSA_PKCS1(0x30, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PKCS1, null),
  /** PKCS#1 v1.5: the card hashes the whole message and signs its DigestInfo (31, 33, 34, 35). */
  RSA_PKCS1_SHA1(0x31, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PKCS1, Hash.SHA1),
  RSA_PKCS1_SHA256(0x33, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PKCS1, Hash.SHA256),
  RSA_PKCS1_SHA384(0x34, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PKCS1, Hash.SHA384),
  RSA_PKCS1_SHA512(0x35, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PKCS1, Hash.SHA512),
  /** RSA-PSS over a hash (or a DigestInfo) given by the host. */
  RSA_PSS(0x40, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PSS, null),
  /** RSA-PSS over the whole message hashed by the card; MGF1 and salt length as the hash. */
  RSA_PSS_SHA1(0x41, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PSS, Hash.SHA1),
  RSA_PSS_SHA256(0x43, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PSS, Hash.SHA256),
  RSA_PSS_SHA384(0x44, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PSS, Hash.SHA384),
  RSA_PSS_SHA512(0x45, KeyKind.RSA, Operation.SIGN, Scheme.RSA_PSS, Hash.SHA512),
  /** ECDSA over a hash given by the host. */
  EC_RAW(0x70, KeyKind.EC, Operation.SIGN, Scheme.ECDSA, null),
  /** ECDSA over the whole message hashed by the card (OpenSC 0.26+ sends 74 / 75 too). */
  EC_SHA1(0x71, KeyKind.EC, Operation.SIGN, Scheme.ECDSA, Hash.SHA1),
  EC_SHA224(0x72, KeyKind.EC, Operation.SIGN, Scheme.ECDSA, Hash.SHA224),
  EC_SHA256(0x73, KeyKind.EC, Operation.SIGN, Scheme.ECDSA, Hash.SHA256),
  EC_SHA384(0x74, KeyKind.EC, Operation.SIGN, Scheme.ECDSA, Hash.SHA384),
  EC_SHA512(0x75, KeyKind.EC, Operation.SIGN, Scheme.ECDSA, Hash.SHA512),
  /** ECDH (DECIPHER with a peer point): the shared point out. */
  EC_DH(0x80, KeyKind.EC, Operation.DECIPHER, Scheme.ECDH, null),
  /** P2 of WRAP KEY: the key blob under the DKEK (docs/protocol.md#wrap-unwrap). */
  WRAP(0x92, KeyKind.ANY, Operation.WRAP, Scheme.KEY_WRAP, null),
  /** P2 of UNWRAP KEY. */
  UNWRAP(0x93, KeyKind.ANY, Operation.UNWRAP, Scheme.KEY_WRAP, null),
  /** CIPHER: AES-CBC encryption with a zero IV, whole blocks (docs/protocol.md#cipher). */
  AES_CBC_ENCRYPT(0x10, KeyKind.AES, Operation.CIPHER, Scheme.AES_CBC_ENCRYPT, null),
  /** CIPHER: AES-CBC decryption with a zero IV. */
  AES_CBC_DECRYPT(0x11, KeyKind.AES, Operation.CIPHER, Scheme.AES_CBC_DECRYPT, null),
  /** CIPHER: AES-CMAC (SP 800-38B), the full 16-byte tag. */
  AES_CMAC(0x18, KeyKind.AES, Operation.CIPHER, Scheme.AES_CMAC, null);

  /** The key type an algorithm needs. */
  public enum KeyKind {
    RSA,
    EC,
    /** A secret AES key (GENERATE SYMMETRIC KEY). */
    AES,
    /** Key wrapping takes any key. */
    ANY
  }

  /** The command an algorithm id is the P2 of. */
  public enum Operation {
    SIGN(Ins.SIGN),
    DECIPHER(Ins.DECIPHER),
    WRAP(Ins.WRAP_KEY),
    UNWRAP(Ins.UNWRAP_KEY),
    CIPHER(Ins.CIPHER);

    private final Ins ins;

    Operation(Ins ins) {
      this.ins = ins;
    }

    public Ins ins() {
      return ins;
    }
  }

  /** What the card does with the (possibly hashed) input: the padding or primitive. */
  public enum Scheme {
    RSA_RAW,
    RSA_DECRYPT,
    RSA_PKCS1,
    RSA_PSS,
    ECDSA,
    ECDH,
    KEY_WRAP,
    AES_CBC_ENCRYPT,
    AES_CBC_DECRYPT,
    AES_CMAC
  }

  private final int id;
  private final KeyKind keyKind;
  private final Operation operation;
  private final Scheme scheme;
  private final Hash messageHash;

  AlgorithmId(int id, KeyKind keyKind, Operation operation, Scheme scheme, Hash messageHash) {
    this.id = id;
    this.keyKind = keyKind;
    this.operation = operation;
    this.scheme = scheme;
    this.messageHash = messageHash;
  }

  /** The wire value. */
  public int id() {
    return id;
  }

  public KeyKind keyKind() {
    return keyKind;
  }

  public Operation operation() {
    return operation;
  }

  /** The scheme, shared by the host-hashed id and its card-hashed variants. */
  public Scheme scheme() {
    return scheme;
  }

  /** The hash the card computes over the whole message, for the hash-and-sign variants. */
  public Optional<Hash> messageHash() {
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
