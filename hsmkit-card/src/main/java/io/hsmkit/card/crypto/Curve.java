package io.hsmkit.card.crypto;

import io.hsmkit.apdu.CurveName;
import java.math.BigInteger;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * The EC curves of OpenSC's SmartCard-HSM table ({@code pkcs15-sc-hsm.c: curves[]},
 * docs/protocol.md#generate). The card identifies a curve by its prime, as OpenSC does.
 */
public enum Curve {
  SECP192R1(CurveName.SECP192R1),
  SECP256R1(CurveName.SECP256R1),
  SECP384R1(CurveName.SECP384R1),
  SECP521R1(CurveName.SECP521R1),
  BRAINPOOLP192R1(CurveName.BRAINPOOLP192R1),
  BRAINPOOLP224R1(CurveName.BRAINPOOLP224R1),
  BRAINPOOLP256R1(CurveName.BRAINPOOLP256R1),
  BRAINPOOLP320R1(CurveName.BRAINPOOLP320R1),
  BRAINPOOLP384R1(CurveName.BRAINPOOLP384R1),
  BRAINPOOLP512R1(CurveName.BRAINPOOLP512R1),
  SECP192K1(CurveName.SECP192K1),
  SECP256K1(CurveName.SECP256K1);

  private static final Curve[] VALUES = values();

  private final CurveName table;
  private final X9ECParameters x9;
  private final ASN1ObjectIdentifier oid;
  private final ECParameterSpec spec;
  private final int fieldBytes;

  Curve(CurveName table) {
    String name = table.canonical();
    this.table = table;
    // Bouncy Castle's hand-optimised implementation where it has one (all but brainpool): the
    // same parameters, but point arithmetic several times faster than the generic Fp curve.
    X9ECParameters custom = CustomNamedCurves.getByName(name);
    this.x9 = custom != null ? custom : ECNamedCurveTable.getByName(name);
    this.oid = ECNamedCurveTable.getOID(name);
    this.spec = EC5Util.convertToSpec(x9);
    this.fieldBytes = (x9.getCurve().getFieldSize() + 7) / 8;
  }

  /** True for P-256, P-384 and P-521, the curves the native provider (ACCP) handles. */
  public boolean accpCapable() {
    return this == SECP256R1 || this == SECP384R1 || this == SECP521R1;
  }

  /** The name as Bouncy Castle and OpenSSL know it, e.g. {@code brainpoolP256r1}. */
  public String curveName() {
    return table.canonical();
  }

  public ASN1ObjectIdentifier oid() {
    return oid;
  }

  public ECParameterSpec spec() {
    return spec;
  }

  public X9ECParameters x9() {
    return x9;
  }

  /** Field length in bits: 256 for P-256, 521 for P-521. */
  public int fieldBits() {
    return x9.getCurve().getFieldSize();
  }

  /** Field element length in bytes: 66 for P-521. */
  public int fieldBytes() {
    return fieldBytes;
  }

  public BigInteger prime() {
    return x9.getCurve().getField().getCharacteristic();
  }

  public byte[] primeBytes() {
    return fixed(prime());
  }

  public byte[] aBytes() {
    return fixed(x9.getCurve().getA().toBigInteger());
  }

  public byte[] bBytes() {
    return fixed(x9.getCurve().getB().toBigInteger());
  }

  /** The base point, uncompressed ({@code 04 || x || y}). */
  public byte[] generatorBytes() {
    return x9.getG().getEncoded(false);
  }

  public byte[] orderBytes() {
    return BigIntegers.asUnsignedByteArray(x9.getN());
  }

  public byte[] cofactorBytes() {
    return BigIntegers.asUnsignedByteArray(x9.getH());
  }

  /** Decodes a point on this curve; throws IllegalArgumentException if it is not on it. */
  public ECPoint decodePoint(byte[] encoded) {
    ECPoint p = x9.getCurve().decodePoint(encoded);
    if (p.isInfinity() || !p.isValid()) {
      throw new IllegalArgumentException("point not on " + table.canonical());
    }
    return p;
  }

  /** Left-pads (or checks) a value to exactly the field length. */
  public byte[] fixed(BigInteger v) {
    return BigIntegers.asUnsignedByteArray(fieldBytes, v);
  }


  /** The curve with this prime (tag 81 of a public key template), if OpenSC's table has one. */
  public static Optional<Curve> byPrime(byte[] prime) {
    BigInteger p = new BigInteger(1, prime);
    for (Curve c : values()) {
      if (c.prime().equals(p)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The curve of a JCA key's parameters (found by its prime, like {@link #byPrime}). */
  public static Optional<Curve> of(java.security.spec.ECParameterSpec params) {
    if (!(params.getCurve().getField() instanceof java.security.spec.ECFieldFp fp)) {
      return Optional.empty();
    }
    BigInteger p = fp.getP();
    for (Curve c : VALUES) {
      if (c.prime().equals(p)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** By name or alias ({@link CurveName#byName}). */
  public static Optional<Curve> byName(String name) {
    return CurveName.byName(name).flatMap(Curve::of);
  }

  /** The curve of a table entry (every entry has one). */
  public static Optional<Curve> of(CurveName name) {
    for (Curve c : VALUES) {
      if (c.table == name) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public static Optional<Curve> byOid(ASN1ObjectIdentifier oid) {
    for (Curve c : values()) {
      if (c.oid.equals(oid)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public static List<Curve> all() {
    return List.of(values());
  }
}
