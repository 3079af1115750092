package io.hsmkit.card.command;

import java.math.BigInteger;

/** Test helper: a non-negative number as exactly {@code length} big-endian bytes. */
final class FixedBytes {
  private FixedBytes() {}

  static byte[] of(BigInteger v, int length) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[length];
    int n = Math.min(b.length, length);
    System.arraycopy(b, b.length - n, out, length - n, n);
    return out;
  }
}
