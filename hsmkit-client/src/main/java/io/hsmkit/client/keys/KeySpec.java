package io.hsmkit.client.keys;

import io.hsmkit.apdu.CurveName;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;

/**
 * The type of a key to generate: {@code ec:CURVE}, {@code rsa:BITS} or {@code aes:BITS}, the
 * spellings of the {@code --type} option. EC curves are the ones of OpenSC's SmartCard-HSM table (
 * docs/protocol.md#generate); OpenSSL's aliases (prime256v1, …) are accepted.
 */
public sealed interface KeySpec {

  /** The curves a SmartCard-HSM generates keys on, by their Bouncy Castle / OpenSSL names. */
  List<String> CURVES = CurveName.all().stream().map(CurveName::canonical).toList();

  /** RSA sizes OpenSC registers for the card. */
  List<Integer> RSA_SIZES = List.of(1024, 1536, 2048, 3072, 4096);

  /** AES key sizes GENERATE SYMMETRIC KEY offers (P2 B0 / B1 / B2, docs/protocol.md#generate-symmetric). */
  List<Integer> AES_SIZES = List.of(128, 192, 256);

  /** Key size in bits: modulus length, field length or AES key length. */
  int bits();

  record Ec(String curve) implements KeySpec {
    public X9ECParameters parameters() {
      return ECNamedCurveTable.getByName(curve);
    }

    @Override
    public int bits() {
      return parameters().getCurve().getFieldSize();
    }

    @Override
    public String toString() {
      return "ec:" + curve;
    }
  }

  record Rsa(int bits) implements KeySpec {
    @Override
    public String toString() {
      return "rsa:" + bits;
    }
  }

  /** A secret AES key (GENERATE SYMMETRIC KEY, not a key pair). */
  record Aes(int bits) implements KeySpec {
    public Aes {
      if (!AES_SIZES.contains(bits)) {
        throw new IllegalArgumentException("AES key size must be one of " + AES_SIZES);
      }
    }

    /** P2 of GENERATE SYMMETRIC KEY: B0, B1, B2 for AES-128, -192, -256. */
    public int p2() {
      return 0xB0 + AES_SIZES.indexOf(bits);
    }

    @Override
    public String toString() {
      return "aes:" + bits;
    }
  }

  /**
   * Parses {@code ec:CURVE}, {@code rsa:BITS} or {@code aes:BITS}; the message of the exception
   * says what is valid.
   */
  static KeySpec parse(String text) {
    String t = text.trim();
    int colon = t.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "key type must be ec:CURVE, rsa:BITS or aes:BITS, e.g. ec:secp256r1, rsa:2048 or aes:256");
    }
    String kind = t.substring(0, colon).toLowerCase(Locale.ROOT);
    String arg = t.substring(colon + 1);
    if (kind.equals("rsa")) {
      int bits;
      try {
        bits = Integer.parseInt(arg);
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (!RSA_SIZES.contains(bits)) {
        throw new IllegalArgumentException("RSA key size must be one of " + RSA_SIZES);
      }
      return new Rsa(bits);
    }
    if (kind.equals("ec")) {
      return curveByName(arg)
          .map(c -> (KeySpec) new Ec(c))
          .orElseThrow(
              () -> new IllegalArgumentException("EC curve must be one of " + CURVES));
    }
    if (kind.equals("aes")) {
      int bits;
      try {
        bits = Integer.parseInt(arg);
      } catch (NumberFormatException e) {
        bits = -1;
      }
      return new Aes(bits);
    }
    throw new IllegalArgumentException("key type must be ec:CURVE, rsa:BITS or aes:BITS");
  }

  /** The canonical curve name for a name or alias (prime256v1, P-256, secp256r1 …). */
  static Optional<String> curveByName(String name) {
    return CurveName.byName(name).map(CurveName::canonical);
  }

  /** The curve of the table whose prime is {@code p}. */
  static Optional<String> curveByPrime(BigInteger p) {
    return CURVES.stream()
        .filter(c -> ECNamedCurveTable.getByName(c).getCurve().getField().getCharacteristic()
            .equals(p))
        .findFirst();
  }
}
