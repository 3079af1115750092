package io.hsmkit.proptest;

import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random values for one property case, all drawn from one seed. Sizes and numbers favour their
 * edges (empty, one, the bounds) more than a uniform draw would, because that is where parsers and
 * encoders break.
 */
public final class Gen {
  private final SplittableRandom random;

  public Gen(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** An int in [min, max]; one draw in eight is min or max. */
  public int between(int min, int max) {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
    int edge = random.nextInt(16);
    if (edge == 0) {
      return min;
    }
    if (edge == 1) {
      return max;
    }
    return (int) (min + random.nextLong((long) max - min + 1));
  }

  public boolean bool() {
    return random.nextBoolean();
  }

  public long nextLong() {
    return random.nextLong();
  }

  /** A BigInteger in [min, max]; one draw in eight is min or max, one in eight has few bits. */
  public BigInteger between(BigInteger min, BigInteger max) {
    BigInteger span = max.subtract(min);
    if (span.signum() < 0) {
      throw new IllegalArgumentException("min > max");
    }
    int pick = random.nextInt(16);
    if (pick == 0) {
      return min;
    }
    if (pick == 1) {
      return max;
    }
    int bits = span.bitLength();
    if (pick == 2 && bits > 8) {
      bits = 1 + random.nextInt(bits); // small offsets from min: short encodings
    }
    BigInteger v;
    do {
      v = new BigInteger(bits, new java.util.Random(random.nextLong()));
    } while (v.compareTo(span) > 0);
    return min.add(v);
  }

  /**
   * Bytes of a length in [minLength, maxLength] (small lengths and the bounds favoured); the
   * content is random, or now and then all 00 or all FF.
   */
  public byte[] bytes(int minLength, int maxLength) {
    int length;
    int pick = random.nextInt(8);
    if (pick == 0) {
      length = between(minLength, Math.min(maxLength, minLength + 4));
    } else {
      length = between(minLength, maxLength);
    }
    byte[] b = new byte[length];
    int fill = random.nextInt(16);
    if (fill == 0) {
      java.util.Arrays.fill(b, (byte) 0xFF);
    } else if (fill != 1) {
      random.nextBytes(b);
    }
    return b;
  }

  /** One of {@code values}. */
  @SafeVarargs
  public final <T> T oneOf(T... values) {
    return values[random.nextInt(values.length)];
  }

  public <T> T oneOf(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** One of {@code values}. */
  public int oneOfInts(int... values) {
    return values[random.nextInt(values.length)];
  }

  /**
   * A string of up to {@code maxLength} chars: ASCII, control characters, other BMP characters
   * and surrogate pairs (now and then a lone surrogate, which is not valid UTF-16).
   */
  public String string(int maxLength) {
    int n = between(0, maxLength);
    StringBuilder sb = new StringBuilder(n);
    while (sb.length() < n) {
      int kind = random.nextInt(10);
      if (kind < 5) {
        sb.append((char) (0x20 + random.nextInt(0x5F)));
      } else if (kind < 7) {
        sb.append((char) random.nextInt(0x20));
      } else if (kind < 8) {
        sb.append((char) (0xA0 + random.nextInt(0xD800 - 0xA0)));
      } else if (kind < 9) {
        sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
      } else {
        sb.append((char) (0xD800 + random.nextInt(0x800)));
      }
    }
    return sb.toString();
  }
}
