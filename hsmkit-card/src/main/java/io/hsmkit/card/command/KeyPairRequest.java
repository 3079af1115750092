package io.hsmkit.card.command;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.cvc.Cvc;
import io.hsmkit.card.dispatch.SwException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command data of GENERATE ASYMMETRIC KEY PAIR: the contents of a {@code 7F4E} CVC body
 * (docs/protocol.md#generate), plus the optional CardContact extensions {@code 45} (outer CAR) and
 * {@code 91} (allowed algorithms).
 *
 * <p>Parsed strictly, because an accepted request must produce a response its client can decode:
 * {@code 5F20} CHR is required, {@code 5F29} defaults to 00. The inner CAR {@code 42} is optional
 * (TR-03110 makes it optional in a request): CardContact's own module leaves it out for firmware 2
 * and later, and the real card then answers a request without it (docs/interop.md, "Key
 * generation without a CAR"). Every rejection is {@code 6A80}, except the key use counter
 * ({@code 90}), a real card feature this emulator does not have ({@code 6A81}). {@code 92 01 kd}
 * puts the key in key domain kd (docs/protocol.md#key-domains); 0 when absent.
 */
record KeyPairRequest(
    byte[] cpi, Optional<byte[]> car, byte[] chr, KeySpec spec, Optional<byte[]> outerCar,
    byte[] algorithms, int domain) {

  /**
   * RSA: only e = 65537, sizes 1024..4096 in steps of 256 (OpenSC registers 1024, 1536, 2048,
   * 3072 and 4096).
   */
  static final int RSA_MIN_BITS = 1024;
  static final int RSA_MAX_BITS = 4096;
  static final int RSA_STEP_BITS = 256;
  private static final BigInteger F4 = BigInteger.valueOf(65537);

  /** What kind of key to make. */
  sealed interface KeySpec permits Rsa, Ec {}

  record Rsa(int bits) implements KeySpec {}

  record Ec(Curve curve) implements KeySpec {}

  static KeyPairRequest parse(byte[] data) throws SwException {
    List<Tlv> tlvs = parseTlvs(data);
    for (Tlv t : tlvs) {
      switch (t.tag()) {
        case Cvc.TAG_CPI, Cvc.TAG_CAR, Cvc.TAG_PUBLIC_KEY, Cvc.TAG_CHR, Tags.Generate.OUTER_CAR,
            Tags.Generate.ALGORITHM_LIST, Tags.Generate.KEY_DOMAIN -> {}
        case Tags.Generate.KEY_USE_COUNTER -> throw new SwException(StatusWord.FUNCTION_NOT_SUPPORTED);
        default -> throw wrongData();
      }
    }
    byte[] cpi = Tlv.find(tlvs, Cvc.TAG_CPI).map(Tlv::value).orElse(new byte[] {0});
    Optional<byte[]> car = Tlv.find(tlvs, Cvc.TAG_CAR).map(Tlv::value);
    byte[] chr = required(tlvs, Cvc.TAG_CHR).value();
    Optional<byte[]> outerCar = Tlv.find(tlvs, Tags.Generate.OUTER_CAR).map(Tlv::value);
    byte[] algorithms = Tlv.find(tlvs, Tags.Generate.ALGORITHM_LIST).map(Tlv::value).orElse(new byte[0]);
    if (cpi.length != 1 || car.map(c -> c.length == 0).orElse(false) || chr.length == 0
        || outerCar.map(c -> c.length == 0).orElse(false)
        || Tlv.find(tlvs, Tags.Generate.ALGORITHM_LIST).map(t -> t.length() == 0).orElse(false)) {
      throw wrongData();
    }
    KeySpec spec = keySpec(required(tlvs, Cvc.TAG_PUBLIC_KEY));
    int domain = ManageKeyDomainCommand.domainTag(Tlv.find(tlvs, Tags.Generate.KEY_DOMAIN));
    return new KeyPairRequest(cpi, car, chr, spec, outerCar, algorithms, domain);
  }

  private static KeySpec keySpec(Tlv template) throws SwException {
    List<Tlv> fields = parseTlvs(template.value());
    byte[] oid = required(fields, Tags.RsaPublicKey.OID).value();
    if (TaAlgorithm.RSA_V1_5_SHA_256.matches(oid)) {
      return rsa(fields);
    }
    if (TaAlgorithm.ECDSA_SHA_256.matches(oid)) {
      return ec(fields);
    }
    throw wrongData();
  }

  /** {@code 06 oid, 82 exponent (65537 only), 02 modulus size in bits}; no key material. */
  private static Rsa rsa(List<Tlv> fields) throws SwException {
    for (Tlv t : fields) {
      if (t.tag() != Tags.RsaPublicKey.OID && t.tag() != Tags.RsaPublicKey.EXPONENT
          && t.tag() != Tags.RsaPublicKey.KEY_SIZE) {
        throw wrongData();
      }
    }
    Optional<Tlv> exponent = Tlv.find(fields, Tags.RsaPublicKey.EXPONENT);
    if (exponent.isPresent() && !F4.equals(new BigInteger(1, exponent.get().value()))) {
      throw wrongData();
    }
    byte[] size = required(fields, Tags.RsaPublicKey.KEY_SIZE).value();
    if (size.length == 0 || size.length > 2) {
      throw wrongData();
    }
    int bits = new BigInteger(1, size).intValueExact();
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || bits % RSA_STEP_BITS != 0) {
      throw wrongData();
    }
    return new Rsa(bits);
  }

  /**
   * The curve is the one whose prime is in {@code 81}, as OpenSC identifies it. Other domain
   * parameters, when given, must be that curve's: a request for a curve with the same prime but a
   * different equation (brainpoolP256t1 vs r1) is refused rather than silently answered with a
   * key on another curve. A public point ({@code 86}) or private key ({@code 8A}) is refused.
   */
  private static Ec ec(List<Tlv> fields) throws SwException {
    Curve curve =
        Curve.byPrime(required(fields, Tags.EcPublicKey.PRIME).value()).orElseThrow(KeyPairRequest::wrongData);
    for (Tlv t : fields) {
      boolean matches =
          switch (t.tag()) {
            case Tags.EcPublicKey.OID, Tags.EcPublicKey.PRIME -> true;
            case Tags.EcPublicKey.A -> sameNumber(t, curve.aBytes());
            case Tags.EcPublicKey.B -> sameNumber(t, curve.bBytes());
            case Tags.EcPublicKey.G -> sameGenerator(t, curve);
            case Tags.EcPublicKey.ORDER -> sameNumber(t, curve.orderBytes());
            case Tags.EcPublicKey.COFACTOR -> sameNumber(t, curve.cofactorBytes());
            default -> false;
          };
      if (!matches) {
        throw wrongData();
      }
    }
    return new Ec(curve);
  }

  private static boolean sameNumber(Tlv t, byte[] expected) {
    return t.length() > 0 && new BigInteger(1, t.value()).equals(new BigInteger(1, expected));
  }

  private static boolean sameGenerator(Tlv t, Curve curve) {
    try {
      return curve.decodePoint(t.value()).equals(curve.x9().getG());
    } catch (RuntimeException e) {
      return false; // not a point of this curve
    }
  }

  private static List<Tlv> parseTlvs(byte[] bytes) throws SwException {
    List<Tlv> tlvs;
    try {
      tlvs = Tlv.parseAll(bytes);
    } catch (TlvException e) {
      throw wrongData();
    }
    Set<Integer> seen = new HashSet<>();
    for (Tlv t : tlvs) {
      if (!seen.add(t.tag())) {
        throw wrongData();
      }
    }
    return tlvs;
  }

  private static Tlv required(List<Tlv> tlvs, int tag) throws SwException {
    return Tlv.find(tlvs, tag).orElseThrow(KeyPairRequest::wrongData);
  }

  private static SwException wrongData() {
    return new SwException(StatusWord.WRONG_DATA);
  }
}
