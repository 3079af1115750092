package io.hsmkit.apdu;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The key algorithm OIDs of the CV public key templates (BSI TR-03110 id-TA), as the card and
 * OpenSC write them in tag {@code 06} (docs/protocol.md#generate): the DER body, without tag and
 * length. A value type, so that the bytes cannot be changed by a caller.
 */
public enum TaAlgorithm {
  /** id-TA-ECDSA-SHA-256, 0.4.0.127.0.7.2.2.2.2.3. */
  ECDSA_SHA_256("04007F00070202020203"),
  /** id-TA-RSA-v1-5-SHA-256, 0.4.0.127.0.7.2.2.2.1.2. */
  RSA_V1_5_SHA_256("04007F00070202020102");

  private final byte[] der;

  TaAlgorithm(String hex) {
    this.der = HexFormat.of().parseHex(hex);
  }

  /** A copy of the OID's DER body. */
  public byte[] der() {
    return der.clone();
  }

  /** True when {@code oid} (a DER body) is this algorithm. */
  public boolean matches(byte[] oid) {
    return Arrays.equals(der, oid);
  }

  /** The algorithm with DER body {@code oid}, if it is one of these. */
  public static Optional<TaAlgorithm> byDer(byte[] oid) {
    for (TaAlgorithm a : values()) {
      if (a.matches(oid)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
