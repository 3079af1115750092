package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.state.CardState;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import io.hsmkit.proptest.Gen;
import io.hsmkit.proptest.Property;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ECDH (DECIPHER algorithm 80) with generated invalid peer points, on a key of each of the 12
 * curves of OpenSC's table: random coordinates, valid points with a flipped bit, coordinates
 * beyond the prime, the point at infinity, wrong lengths, compressed and hybrid encodings, points
 * of the other 11 curves, and invalid-curve points (on {@code y² = x³ + ax + b'} for a random
 * {@code b'}: the shape of the invalid-curve attack, whose small-order points would leak the key
 * bit by bit). Every case must get {@code 6A80} and change nothing. All 12 curves have cofactor 1,
 * so the curves themselves have no small-order points to try.
 *
 * <p>Tries: 10,000 ({@code -Dhsmkit.tries} raises them: the long profile).
 */
class EcdhInvalidPointProperties {
  private static KeyTestCard t;
  private static final List<Curve> CURVES = List.of(Curve.values());
  /** Valid points per curve, made once: a scalar multiplication per case would dominate. */
  private static final int POINTS = 16;
  private static final ECPoint[][] VALID = new ECPoint[Curve.values().length][POINTS];

  @BeforeAll
  static void makeKeys() {
    t = KeyTestCard.loggedIn();
    for (Curve c : Curve.values()) {
      t.generateEc(id(c), c);
      for (int i = 0; i < POINTS; i++) {
        VALID[c.ordinal()][i] = c.x9().getG().multiply(BigInteger.valueOf(7919L * i + 2))
            .normalize();
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong CASES =
      new java.util.concurrent.atomic.AtomicLong();

  @AfterAll
  static void report() {
    System.out.println("[hsmkit-summary] ECDH: invalid points rejected = " + CASES.get());
  }

  private static ECPoint valid(Curve c, BigInteger k) {
    return VALID[c.ordinal()][k.mod(BigInteger.valueOf(POINTS)).intValue()];
  }

  private static int id(Curve c) {
    return 0x10 + c.ordinal();
  }

  /** A case: the key's curve and the bytes sent as the peer point, with what was done to them. */
  record Case(Curve curve, String kind, byte[] point) {
    @Override
    public String toString() {
      return curve + " " + kind + " " + java.util.HexFormat.of().formatHex(point);
    }
  }

  @Test
  void invalidPeerPoint_gets6A80_andChangesNothing() {
    Property.forAll(
        Property.tries(10_000),
        gen -> {
          Case c = invalidPoint(gen);
          CardState before = t.card.state();

          KeyTestCard.Reply r = t.decipher(id(c.curve()), 0x80, c.point());

          assertThat(Integer.toHexString(r.sw())).as(c.toString()).isEqualTo("6a80");
          assertThat(r.data()).isEmpty();
          assertThat(t.card.state()).isEqualTo(before);
          CASES.incrementAndGet();
        });
  }

  /** The control: a valid point of the key's curve is accepted (so the property can fail). */
  @Test
  void validPeerPoint_gets9000() {
    Property.forAll(
        50,
        gen -> {
          Curve curve = gen.oneOf(CURVES);
          BigInteger k = scalar(gen);
          ECPoint q = curve.x9().getG().multiply(k.mod(curve.x9().getN().subtract(BigInteger.ONE))
              .add(BigInteger.ONE)).normalize();

          KeyTestCard.Reply r = t.decipher(id(curve), 0x80, q.getEncoded(false));

          assertThat(Integer.toHexString(r.sw())).isEqualTo("9000");
          assertThat(r.data()).hasSize(1 + 2 * curve.fieldBytes());
        });
  }

  private static BigInteger scalar(Gen gen) {
    return gen.between(BigInteger.ONE, BigInteger.TWO.pow(520));
  }

  /** One invalid case; the (rare) draw that happens to be a valid point is drawn again. */
  private static Case invalidPoint(Gen gen) {
    while (true) {
      Case c = make(gen.oneOf(CURVES), gen.oneOf(CURVES), scalar(gen), gen.bytes(0, 140),
          gen.between(0, 9), gen.between(0, 1 << 20));
      if (!onCurveUncompressed(c.curve(), c.point())) {
        return c;
      }
    }
  }

  private static Case make(Curve curve, Curve other, BigInteger k, byte[] noise, int kind, int n) {
    int f = curve.fieldBytes();
    ECPoint valid = valid(curve, k);
    byte[] good = valid.getEncoded(false);
    switch (kind) {
      case 0 -> { // random coordinates of the right length
        byte[] p = new byte[1 + 2 * f];
        p[0] = 0x04;
        System.arraycopy(noise, 0, p, 1, Math.min(noise.length, 2 * f));
        return new Case(curve, "random coordinates", p);
      }
      case 1 -> { // one bit of a valid point flipped
        byte[] p = good.clone();
        int bit = n % (8 * (p.length - 1));
        p[1 + bit / 8] ^= (byte) (1 << (bit % 8));
        return new Case(curve, "bit flip " + bit, p);
      }
      case 2 -> { // the point at infinity, in every encoding a decoder might accept
        byte[][] inf = {new byte[] {0x00}, new byte[0], new byte[1 + 2 * f],
            withTag(new byte[2 * f], 0x04)};
        return new Case(curve, "infinity", inf[n % inf.length]);
      }
      case 3 -> { // truncated or extended
        int len = n % (good.length + 8);
        if (len == good.length) {
          len++;
        }
        return new Case(curve, "length " + len, Arrays.copyOf(good, len));
      }
      case 4 -> { // compressed (02/03) and hybrid (06/07) encodings of a valid point
        byte[] p = (n & 1) == 0 ? valid.getEncoded(true) : good.clone();
        if ((n & 1) == 1) {
          p[0] = (byte) (valid.getAffineYCoord().testBitZero() ? 0x07 : 0x06);
        }
        return new Case(curve, (n & 1) == 0 ? "compressed" : "hybrid", p);
      }
      case 5 -> { // a valid point of another curve
        ECPoint q = valid(other, k);
        return new Case(curve, "point of " + other, q.getEncoded(false));
      }
      case 6 -> { // x or y replaced by itself plus p (not reduced), when that still fits
        BigInteger p = curve.prime();
        BigInteger x = valid.getAffineXCoord().toBigInteger();
        BigInteger y = valid.getAffineYCoord().toBigInteger();
        boolean onX = (n & 1) == 0;
        BigInteger big = (onX ? x : y).add(p);
        if (big.bitLength() > 8 * f) {
          big = BigInteger.ONE.shiftLeft(8 * f).subtract(BigInteger.ONE); // ≥ p: still invalid
        }
        byte[] out = good.clone();
        System.arraycopy(curve.fixed(big), 0, out, onX ? 1 : 1 + f, f);
        return new Case(curve, "unreduced " + (onX ? "x" : "y"), out);
      }
      case 7 -> { // a point of y² = x³ + ax + b' with b' ≠ b (invalid-curve attack)
        return new Case(curve, "invalid curve", invalidCurvePoint(curve, k, n));
      }
      case 8 -> { // the right length with a wrong tag
        byte[] p = good.clone();
        p[0] = (byte) (n & 0xFF);
        if (p[0] == 0x04) {
          p[0] = 0x05;
        }
        return new Case(curve, "tag " + (p[0] & 0xFF), p);
      }
      default -> { // raw noise of any length
        return new Case(curve, "noise", noise);
      }
    }
  }

  /** A point (x, y) with y² = x³ + ax + b' for some b' ≠ b: on another curve over the same field. */
  private static byte[] invalidCurvePoint(Curve curve, BigInteger k, int n) {
    ECCurve c = curve.x9().getCurve();
    BigInteger p = curve.prime();
    for (int i = 0; ; i++) {
      BigInteger bPrime = k.add(BigInteger.valueOf(n + i)).mod(p);
      if (bPrime.equals(c.getB().toBigInteger())) {
        continue;
      }
      ECFieldElement x = c.fromBigInteger(k.add(BigInteger.valueOf(i)).mod(p));
      ECFieldElement rhs = x.square().add(c.getA()).multiply(x).add(c.fromBigInteger(bPrime));
      ECFieldElement y = rhs.sqrt();
      if (y != null) {
        byte[] out = new byte[1 + 2 * curve.fieldBytes()];
        out[0] = 0x04;
        System.arraycopy(curve.fixed(x.toBigInteger()), 0, out, 1, curve.fieldBytes());
        System.arraycopy(curve.fixed(y.toBigInteger()), 0, out, 1 + curve.fieldBytes(),
            curve.fieldBytes());
        return out;
      }
    }
  }

  private static byte[] withTag(byte[] body, int tag) {
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) tag;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /** True for the (rare) generated case that happens to be a valid uncompressed point. */
  private static boolean onCurveUncompressed(Curve curve, byte[] p) {
    if (p.length != 1 + 2 * curve.fieldBytes() || p[0] != 0x04) {
      return false;
    }
    try {
      ECPoint q = curve.x9().getCurve().decodePoint(p);
      return q.isValid() && !q.isInfinity();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
