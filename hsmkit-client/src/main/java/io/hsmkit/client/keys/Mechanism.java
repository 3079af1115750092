package io.hsmkit.client.keys;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.Hash;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The signature and decryption mechanisms the card offers, in the split OpenSC uses
 * (docs/protocol.md#sign, docs/protocol.md#decipher): RSA PKCS#1 v1.5 is padded on the host and signed raw; PSS
 * sends the hash; ECDSA with SHA-1/224/256 is hashed by the card, SHA-384/512 on the host. The
 * card ids 74/75 and 34/35/44/45 (card-side SHA-384/512) are not used: OpenSC added them only in
 * 0.26, and hashing here works with every device and firmware and keeps long messages off the
 * wire.
 */
public enum Mechanism {
  RSA_RAW("rsa-raw", Kind.RSA_SIGN, null, AlgorithmId.RSA_RAW),
  RSA_PKCS1_SHA1("rsa-pkcs1-sha1", Kind.RSA_SIGN, Hash.SHA1, AlgorithmId.RSA_RAW),
  RSA_PKCS1_SHA224("rsa-pkcs1-sha224", Kind.RSA_SIGN, Hash.SHA224, AlgorithmId.RSA_RAW),
  RSA_PKCS1_SHA256("rsa-pkcs1-sha256", Kind.RSA_SIGN, Hash.SHA256, AlgorithmId.RSA_RAW),
  RSA_PKCS1_SHA384("rsa-pkcs1-sha384", Kind.RSA_SIGN, Hash.SHA384, AlgorithmId.RSA_RAW),
  RSA_PKCS1_SHA512("rsa-pkcs1-sha512", Kind.RSA_SIGN, Hash.SHA512, AlgorithmId.RSA_RAW),
  RSA_PSS_SHA1("rsa-pss-sha1", Kind.RSA_SIGN, Hash.SHA1, AlgorithmId.RSA_PSS),
  RSA_PSS_SHA224("rsa-pss-sha224", Kind.RSA_SIGN, Hash.SHA224, AlgorithmId.RSA_PSS),
  RSA_PSS_SHA256("rsa-pss-sha256", Kind.RSA_SIGN, Hash.SHA256, AlgorithmId.RSA_PSS),
  RSA_PSS_SHA384("rsa-pss-sha384", Kind.RSA_SIGN, Hash.SHA384, AlgorithmId.RSA_PSS),
  RSA_PSS_SHA512("rsa-pss-sha512", Kind.RSA_SIGN, Hash.SHA512, AlgorithmId.RSA_PSS),
  ECDSA("ecdsa", Kind.EC_SIGN, null, AlgorithmId.EC_RAW),
  ECDSA_SHA1("ecdsa-sha1", Kind.EC_SIGN, Hash.SHA1, AlgorithmId.EC_SHA1),
  ECDSA_SHA224("ecdsa-sha224", Kind.EC_SIGN, Hash.SHA224, AlgorithmId.EC_SHA224),
  ECDSA_SHA256("ecdsa-sha256", Kind.EC_SIGN, Hash.SHA256, AlgorithmId.EC_SHA256),
  ECDSA_SHA384("ecdsa-sha384", Kind.EC_SIGN, Hash.SHA384, AlgorithmId.EC_RAW),
  ECDSA_SHA512("ecdsa-sha512", Kind.EC_SIGN, Hash.SHA512, AlgorithmId.EC_RAW),
  RSA_DECRYPT_RAW("rsa-raw-decrypt", Kind.RSA_DECRYPT, null, AlgorithmId.RSA_DECRYPT),
  RSA_DECRYPT_PKCS1("rsa-pkcs1", Kind.RSA_DECRYPT, null, AlgorithmId.RSA_DECRYPT),
  RSA_DECRYPT_OAEP_SHA1("rsa-oaep-sha1", Kind.RSA_DECRYPT, Hash.SHA1, AlgorithmId.RSA_DECRYPT),
  RSA_DECRYPT_OAEP_SHA256("rsa-oaep-sha256", Kind.RSA_DECRYPT, Hash.SHA256, AlgorithmId.RSA_DECRYPT);

  public enum Kind {
    RSA_SIGN,
    EC_SIGN,
    RSA_DECRYPT
  }

  private final String cliName;
  private final Kind kind;
  private final Hash hash;
  private final AlgorithmId algorithm;

  Mechanism(String cliName, Kind kind, Hash hash, AlgorithmId algorithm) {
    this.cliName = cliName;
    this.kind = kind;
    this.hash = hash;
    this.algorithm = algorithm;
  }

  public String cliName() {
    return cliName;
  }

  public Kind kind() {
    return kind;
  }

  /** The JCA digest name, or null when the input is already a hash or a raw block. */
  public String hash() {
    return hash == null ? null : hash.jcaName();
  }

  /**
   * The card algorithm id this mechanism sends (from the shared table): PKCS#1 v1.5 is padded here
   * and sent as raw RSA, ECDSA with SHA-384/512 is hashed here and sent as {@code EC_RAW}; the
   * long-message fallback of {@link KeyOperations} may also hash here and send {@code EC_RAW}.
   */
  public AlgorithmId algorithm() {
    return algorithm;
  }

  public boolean isPss() {
    return name().startsWith("RSA_PSS");
  }

  public static Optional<Mechanism> byCliName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.cliName.equals(n)).findFirst();
  }

  public static String names(Kind kind) {
    return String.join(", ", Arrays.stream(values()).filter(m -> m.kind == kind).map(Mechanism::cliName).toList());
  }
}
