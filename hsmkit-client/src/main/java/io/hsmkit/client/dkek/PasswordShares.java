package io.hsmkit.client.dkek;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The m-of-n password scheme of {@code sc-hsm-tool --pwd-shares-threshold/--pwd-shares-total}
 * (docs/protocol.md#password-shares): an 8-byte random password (first byte & 0x7F) is split with Shamir's
 * scheme over a random 64-bit safe prime; any {@code threshold} shares give it back by Lagrange
 * interpolation at 0. The password bytes are the secret's minimal big-endian form, as OpenSSL's
 * {@code BN_bn2bin} gives them, so shares interoperate with sc-hsm-tool.
 */
public final class PasswordShares {
  private PasswordShares() {}

  /** One share: {@code x} (the share ID) and {@code y}. */
  public record Share(int id, BigInteger value) {}

  /** A split password: the prime every custodian notes, and the shares. */
  public record Split(BigInteger prime, List<Share> shares, byte[] password) {}

  public static Split split(int threshold, int total, SecureRandom random) {
    if (threshold < 2 || total < 3 || threshold > total || total > 255) {
      throw new IllegalArgumentException(
          "need 2 <= threshold <= total, total >= 3 (got " + threshold + " of " + total + ")");
    }
    byte[] pwd = new byte[8];
    random.nextBytes(pwd);
    pwd[0] &= 0x7F;
    BigInteger secret = new BigInteger(1, pwd);
    BigInteger prime;
    do {
      prime = safePrime64(random);
    } while (prime.compareTo(secret) <= 0);
    List<BigInteger> coeff = new ArrayList<>();
    coeff.add(secret);
    for (int i = 1; i < threshold; i++) {
      BigInteger c;
      do {
        c = new BigInteger(64, random);
      } while (c.compareTo(prime) >= 0);
      coeff.add(c);
    }
    List<Share> shares = new ArrayList<>();
    for (int x = 1; x <= total; x++) {
      BigInteger y = BigInteger.ZERO;
      BigInteger bx = BigInteger.valueOf(x);
      for (int i = coeff.size() - 1; i >= 0; i--) {
        y = y.multiply(bx).add(coeff.get(i)).mod(prime);
      }
      shares.add(new Share(x, y));
    }
    return new Split(prime, shares, bytes(secret));
  }

  /** The password from {@code threshold} shares (Lagrange interpolation at x = 0). */
  public static byte[] combine(BigInteger prime, List<Share> shares) {
    BigInteger secret = BigInteger.ZERO;
    for (int i = 0; i < shares.size(); i++) {
      BigInteger num = BigInteger.ONE;
      BigInteger den = BigInteger.ONE;
      BigInteger xi = BigInteger.valueOf(shares.get(i).id());
      for (int j = 0; j < shares.size(); j++) {
        if (i == j) {
          continue;
        }
        BigInteger xj = BigInteger.valueOf(shares.get(j).id());
        if (xi.equals(xj)) {
          throw new IllegalArgumentException("share ID " + xi + " given twice");
        }
        num = num.multiply(xj.negate()).mod(prime);
        den = den.multiply(xi.subtract(xj)).mod(prime);
      }
      secret = secret.add(shares.get(i).value().multiply(num).multiply(den.modInverse(prime)))
          .mod(prime);
    }
    return bytes(secret);
  }

  /** {@code BN_bn2bin}: minimal big-endian, no leading zero byte (and nothing for zero). */
  static byte[] bytes(BigInteger v) {
    byte[] b = v.toByteArray();
    int skip = 0;
    while (skip < b.length && b[skip] == 0) {
      skip++;
    }
    return java.util.Arrays.copyOfRange(b, skip, b.length);
  }

  static BigInteger safePrime64(SecureRandom random) {
    while (true) {
      BigInteger q = BigInteger.probablePrime(63, random);
      BigInteger p = q.shiftLeft(1).add(BigInteger.ONE);
      if (p.bitLength() == 64 && p.isProbablePrime(64)) {
        return p;
      }
    }
  }

  /** The display form sc-hsm-tool uses: lower-case hex bytes separated by colons. */
  public static String format(BigInteger v) {
    byte[] b = v.signum() == 0 ? new byte[1] : bytes(v);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < b.length; i++) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(HexFormat.of().toHexDigits(b[i]));
    }
    return sb.toString();
  }

  /** Parses hex with or without colons or spaces (what custodians noted down). */
  public static BigInteger parse(String text) {
    String hex = text.replaceAll("[:\\s]", "").toLowerCase(Locale.ROOT);
    if (hex.isEmpty() || !hex.matches("[0-9a-f]+")) {
      throw new IllegalArgumentException("not a hex value like f3:4a:18:9d:e5:19:7c:fb");
    }
    return new BigInteger(hex, 16);
  }
}
