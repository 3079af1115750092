package io.hsmkit.card.dkek;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Keys derived from a DKEK (docs/protocol.md#key-blob, docs/protocol.md#kcv): the key check value KCV = SHA-256(DKEK)
 * [0..8], the blob encryption key Kenc = SHA-256(DKEK ‖ 00000001) and the MAC key Kmac =
 * SHA-256(DKEK ‖ 00000002).
 */
public final class Dkek {
  public static final int LENGTH = 32;

  private Dkek() {}

  public static byte[] kcv(byte[] dkek) {
    return Arrays.copyOf(sha256(dkek, null), 8);
  }

  static byte[] kenc(byte[] dkek) {
    return sha256(dkek, new byte[] {0, 0, 0, 1});
  }

  static byte[] kmac(byte[] dkek) {
    return sha256(dkek, new byte[] {0, 0, 0, 2});
  }

  /** XORs a 32-byte share into the accumulator (shares combine by XOR, docs/protocol.md#kcv). */
  public static byte[] combine(byte[] accumulator, byte[] share) {
    byte[] out = accumulator.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] ^= share[i];
    }
    return out;
  }

  private static byte[] sha256(byte[] a, byte[] b) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(a);
      if (b != null) {
        md.update(b);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
