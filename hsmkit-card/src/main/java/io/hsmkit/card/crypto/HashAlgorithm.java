package io.hsmkit.card.crypto;

import io.hsmkit.apdu.Hash;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.crypto.util.DigestFactory;

/**
 * The card's implementation of the hash functions of the shared table {@link Hash}
 * (docs/protocol.md#sign): SHA-1 and the SHA-2 family that OpenSC can hand to the card as a bare
 * hash or as a PKCS#1 DigestInfo. Names, lengths and OIDs come from {@link Hash}.
 */
public enum HashAlgorithm {
  SHA1(Hash.SHA1),
  SHA224(Hash.SHA224),
  SHA256(Hash.SHA256),
  SHA384(Hash.SHA384),
  SHA512(Hash.SHA512);

  private final Hash hash;
  private final String jcaName;
  private final int length;
  private final ASN1ObjectIdentifier oid;

  HashAlgorithm(Hash hash) {
    this.hash = hash;
    this.jcaName = hash.jcaName();
    this.length = hash.length();
    this.oid = new ASN1ObjectIdentifier(hash.oid());
  }

  /** The implementation of a shared-table hash. */
  public static HashAlgorithm of(Hash hash) {
    return switch (hash) {
      case SHA1 -> SHA1;
      case SHA224 -> SHA224;
      case SHA256 -> SHA256;
      case SHA384 -> SHA384;
      case SHA512 -> SHA512;
    };
  }

  /** The shared-table entry. */
  public Hash hash() {
    return hash;
  }

  /** A hash value together with the function that made it. */
  public record Hashed(HashAlgorithm algorithm, byte[] hash) {
    public Hashed {
      hash = hash.clone();
    }

    @Override
    public byte[] hash() {
      return hash.clone();
    }
  }

  /** The JCA name, e.g. {@code SHA-256}. */
  public String jcaName() {
    return jcaName;
  }

  /** Output length in bytes. */
  public int length() {
    return length;
  }

  public byte[] digest(byte[] message) {
    try {
      return MessageDigest.getInstance(jcaName, CardCrypto.bouncyCastle()).digest(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jcaName + " is not available", e);
    }
  }

  /** A new Bouncy Castle digest of this function (for the PSS encoder). */
  org.bouncycastle.crypto.Digest bcDigest() {
    return switch (this) {
      case SHA1 -> DigestFactory.createSHA1();
      case SHA224 -> DigestFactory.createSHA224();
      case SHA256 -> DigestFactory.createSHA256();
      case SHA384 -> DigestFactory.createSHA384();
      case SHA512 -> DigestFactory.createSHA512();
    };
  }

  /** The DER DigestInfo {@code 30 { 30 { 06 oid, 05 00 }, 04 hash }} of PKCS#1 v1.5. */
  public byte[] digestInfo(byte[] hash) {
    try {
      return new DigestInfo(new AlgorithmIdentifier(oid, DERNull.INSTANCE), hash)
          .getEncoded(ASN1Encoding.DER);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("DigestInfo encoding failed", e);
    }
  }

  /** The function whose output has {@code length} bytes (20 is taken as SHA-1). */
  public static Optional<HashAlgorithm> byLength(int length) {
    return Hash.byLength(length).map(HashAlgorithm::of);
  }

  /**
   * Reads a DER DigestInfo naming one of these functions, with a hash of the right length and
   * nothing after it; anything else is empty. Parameters may be NULL or absent.
   */
  public static Optional<Hashed> parseDigestInfo(byte[] input) {
    if (input.length < 2 || input[0] != 0x30) {
      return Optional.empty();
    }
    DigestInfo info;
    try {
      info = DigestInfo.getInstance(ASN1Primitive.fromByteArray(input));
      if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), input)) {
        return Optional.empty();
      }
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty(); // not a DigestInfo: the caller decides what else it may be
    }
    ASN1ObjectIdentifier alg = info.getAlgorithmId().getAlgorithm();
    byte[] hash = info.getDigest();
    for (HashAlgorithm h : values()) {
      if (h.oid.equals(alg) && h.length == hash.length) {
        return Optional.of(new Hashed(h, hash));
      }
    }
    return Optional.empty();
  }
}
