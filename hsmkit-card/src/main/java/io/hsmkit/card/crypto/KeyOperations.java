package io.hsmkit.card.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The private-key operations behind SIGN and DECIPHER (docs/protocol.md#sign, docs/protocol.md#decipher), in the
 * output formats of the real card that OpenSC 0.20 to 0.27 and CardContact's own PKCS#11 module
 * read.
 *
 * <p>The primitives run on a {@link PreparedKey}, i.e. on the provider {@link CryptoProviders}
 * chose for the key (ACCP where it loads, else Bouncy Castle / the JDK); the PKCS#1 v1.5 and PSS
 * encodings are Bouncy Castle's, on top of that provider's raw RSA. Bad command data end in {@link
 * InvalidInputException}; a failure of the crypto library itself is a bug and surfaces as {@link
 * IllegalStateException}.
 */
public final class KeyOperations {
  /** PKCS#1 v1.5 type 1 padding needs at least 00 01 FF*8 00 around the DigestInfo. */
  private static final int PKCS1_OVERHEAD = 11;

  /**
   * How many nonces ECDSA draws at most while looking for a signature that OpenSC 0.20–0.25 decode
   * right ({@link #legacyOpenScDecodes}). Only P-521 ever needs more than one: both r and s must
   * be at least 2^519 (66 content bytes), which 9 in 16 signatures are, so 1.8 draws on average;
   * 64 misses in a row happen with probability (7/16)^64, about 2^-76.
   */
  static final int MAX_ECDSA_ATTEMPTS = 64;

  private final SecureRandom random;
  private final CryptoProviders providers;

  /** Operations with the default providers ({@link CryptoProviders#detect()}). */
  public KeyOperations(SecureRandom random) {
    this(random, CryptoProviders.detect());
  }

  public KeyOperations(SecureRandom random, CryptoProviders providers) {
    this.random = random;
    this.providers = providers;
  }

  private PreparedKey prepare(PrivateKey key) {
    return PreparedKey.of(key, providers, random);
  }

  /**
   * Raw RSA with the private key, m^d mod n: SIGN algorithm 20 on a block OpenSC has padded, and
   * DECIPHER 21. The input is a big-endian number below the modulus, at most modulus-length
   * bytes; the output always has the modulus length, leading zero bytes kept (docs/protocol.md#decipher: OpenSC
   * strips the padding from the full block).
   */
  public byte[] rsaRaw(PreparedKey key, byte[] input) throws InvalidInputException {
    BigInteger n = key.modulus();
    int k = key.modulusBytes();
    if (input.length == 0 || input.length > k) {
      throw new InvalidInputException("RSA input length does not fit the modulus");
    }
    if (!belowModulus(input, n, k)) {
      throw new InvalidInputException("RSA input is not below the modulus");
    }
    try {
      return key.rsaPrivate(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("raw RSA failed", e);
    }
  }

  /** {@link #rsaRaw(PreparedKey, byte[])} for a key of any provider (decoded anew each call). */
  public byte[] rsaRaw(PrivateKey key, byte[] input) throws InvalidInputException {
    return rsaRaw(prepare(key), input);
  }

  /** PKCS#1 v1.5 signature (EMSA-PKCS1-v1_5) over an encoded DigestInfo, modulus-length. */
  public byte[] rsaPkcs1(PreparedKey key, byte[] digestInfo) throws InvalidInputException {
    int k = key.modulusBytes();
    if (digestInfo.length == 0 || digestInfo.length > k - PKCS1_OVERHEAD) {
      throw new InvalidInputException("DigestInfo too long for the key");
    }
    return leftPad(BcEncodings.pkcs1Sign(key.rsaEngine(), digestInfo), k);
  }

  public byte[] rsaPkcs1(PrivateKey key, byte[] digestInfo) throws InvalidInputException {
    return rsaPkcs1(prepare(key), digestInfo);
  }

  /**
   * RSASSA-PSS over a hash computed elsewhere, MGF1 with the same hash and a salt as long as the
   * hash: OpenSC does not transmit sLen or the MGF, so the card uses these defaults (docs/protocol.md#sign).
   */
  public byte[] rsaPss(PreparedKey key, HashAlgorithm hash, byte[] mHash)
      throws InvalidInputException {
    if (mHash.length != hash.length()) {
      throw new InvalidInputException("hash length does not match the hash algorithm");
    }
    BigInteger n = key.modulus();
    int emLen = (n.bitLength() - 1 + 7) / 8;
    if (emLen < 2 * hash.length() + 2) {
      throw new InvalidInputException("key too short for PSS with this hash");
    }
    return leftPad(BcEncodings.pssSign(key.rsaEngine(), hash, n, mHash, random), key.modulusBytes());
  }

  public byte[] rsaPss(PrivateKey key, HashAlgorithm hash, byte[] mHash)
      throws InvalidInputException {
    return rsaPss(prepare(key), hash, mHash);
  }

  /**
   * ECDSA over a hash computed elsewhere. A hash longer than the order is truncated to the order's
   * bit length, as ECDSA prescribes. The result is strict X9.62 DER, {@code SEQUENCE { INTEGER r,
   * INTEGER s }} with minimal INTEGERs, as the real card answers (docs/protocol-notes-ecdsa.md).
   *
   * <p>OpenSC up to 0.25 does not know the key size when it decodes the answer: it guesses the
   * field length from the DER length, and a signature whose minimal encoding is unusually short
   * lands in a smaller curve's bucket and is misread (the real card's sporadic P-521 failures).
   * Such a signature is discarded and a new one made with a fresh nonce, at most {@link
   * #MAX_ECDSA_ATTEMPTS} times (then the last, valid, signature is returned). The test looks only
   * at the length of the public output, so the signatures handed out are a selection an observer
   * could make from ordinary ECDSA signatures himself: they reveal nothing more about the key.
   */
  public byte[] ecdsa(PreparedKey key, byte[] hash) throws InvalidInputException {
    Curve curve = key.curve();
    if (curve == null) {
      throw new IllegalArgumentException("not an EC key");
    }
    if (hash.length == 0) {
      throw new InvalidInputException("empty hash");
    }
    int fieldBytes = curve.fieldBytes();
    byte[] der = null;
    for (int attempt = 0; attempt < MAX_ECDSA_ATTEMPTS; attempt++) {
      try {
        der = minimalDer(key.ecdsaDer(hash));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("ECDSA signature failed", e);
      }
      if (legacyOpenScDecodes(der.length, fieldBytes)) {
        break;
      }
    }
    return der;
  }

  public byte[] ecdsa(PrivateKey key, Curve curve, byte[] hash) throws InvalidInputException {
    if (!(key instanceof ECPrivateKey)) {
      throw new IllegalArgumentException("not an EC key");
    }
    return ecdsa(prepare(key), hash);
  }

  /**
   * ECDH with the peer's uncompressed point {@code 04 || x || y}; the result is the shared point
   * {@code 04 || X || Y} as the real card returns it (docs/protocol.md#decipher; OpenSC keeps X). The peer point must
   * lie on the key's curve and must not be the point at infinity.
   */
  public byte[] ecdh(PreparedKey key, byte[] peerPoint) throws InvalidInputException {
    Curve curve = key.curve();
    if (curve == null) {
      throw new IllegalArgumentException("not an EC key");
    }
    if (peerPoint.length != 1 + 2 * curve.fieldBytes() || peerPoint[0] != 0x04) {
      throw new InvalidInputException("peer point is not an uncompressed point of the curve");
    }
    ECPoint q;
    try {
      q = curve.decodePoint(peerPoint);
    } catch (RuntimeException e) {
      throw new InvalidInputException("peer point is not on the curve");
    }
    // All curves of OpenSC's table have cofactor 1, so d * Q needs no cofactor clearing, and Q
    // (valid, not infinity) has the prime order n: d * Q is never infinity for 0 < d < n.
    try {
      return key.ecdhPoint(q);
    } catch (ArithmeticException e) {
      throw new InvalidInputException("shared point is the point at infinity");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDH failed", e);
    }
  }

  public byte[] ecdh(PrivateKey key, Curve curve, byte[] peerPoint) throws InvalidInputException {
    if (!(key instanceof ECPrivateKey)) {
      throw new IllegalArgumentException("not an EC key");
    }
    return ecdh(prepare(key), peerPoint);
  }

  /** True when the big-endian {@code input} (at most k bytes) is below {@code n}. */
  private static boolean belowModulus(byte[] input, BigInteger n, int k) {
    if (input.length < k) {
      return true; // fewer bytes than the modulus, whose top byte is not zero
    }
    return new BigInteger(1, input).compareTo(n) < 0;
  }

  /**
   * True when OpenSC 0.20–0.25, guessing the field length from the length of the DER signature
   * ({@code card-sc-hsm.c: sc_hsm_decode_ecdsa_signature()}), guesses {@code fieldBytes}. The
   * buckets: up to 58 bytes 24, 66 28, 74 32, 90 40, 106 48, then 64 up to 138 bytes in 0.20–0.22
   * and up to 137 since 0.23 (OpenSC commit cc024a33b), above that 66. Since 0.26 OpenSC takes the
   * key size instead (commit 8b7f7f53b); the condition holds for both bucket ends, so a P-521
   * signature must be 139 bytes long.
   */
  static boolean legacyOpenScDecodes(int derLength, int fieldBytes) {
    return legacyFieldGuess(derLength, 138) == fieldBytes
        && legacyFieldGuess(derLength, 137) == fieldBytes;
  }

  private static int legacyFieldGuess(int derLength, int last512) {
    if (derLength <= 58) {
      return 24;
    } else if (derLength <= 66) {
      return 28;
    } else if (derLength <= 74) {
      return 32;
    } else if (derLength <= 90) {
      return 40;
    } else if (derLength <= 106) {
      return 48;
    } else if (derLength <= last512) {
      return 64;
    }
    return 66;
  }

  /**
   * Re-encodes a DER ECDSA signature {@code SEQUENCE { INTEGER r, INTEGER s }} from a provider in
   * strict DER: minimal INTEGERs (one 00 byte only before a set top bit) and minimal lengths, so a
   * provider's quirk can never reach the host. Works on the bytes directly: this runs once per
   * ECDSA SIGN, where a few microseconds are a measurable share (BENCHMARKS.md).
   */
  static byte[] minimalDer(byte[] der) {
    int off = 0;
    if (der.length < 8 || der[off++] != 0x30) {
      throw malformed();
    }
    int len = der[off++] & 0xFF;
    if (len == 0x81) {
      len = der[off++] & 0xFF;
    } else if (len > 0x7F) {
      throw malformed();
    }
    if (off + len != der.length) {
      throw malformed();
    }
    int[] start = new int[2];
    int[] length = new int[2];
    for (int i = 0; i < 2; i++) {
      if (off + 2 > der.length || der[off] != 0x02 || (der[off + 1] & 0x80) != 0) {
        throw malformed();
      }
      int n = der[off + 1];
      off += 2;
      if (n == 0 || off + n > der.length || (der[off] & 0x80) != 0) {
        throw malformed(); // empty or negative
      }
      while (n > 1 && der[off] == 0) {
        off++;
        n--;
      }
      if (der[off] == 0) {
        throw malformed(); // zero is not a valid r or s
      }
      start[i] = off;
      length[i] = n;
      off += n;
    }
    if (off != der.length) {
      throw malformed();
    }
    int[] contentLength = new int[2];
    int body = 0;
    for (int i = 0; i < 2; i++) {
      contentLength[i] = length[i] + ((der[start[i]] & 0x80) != 0 ? 1 : 0);
      body += 2 + contentLength[i];
    }
    int header = body < 0x80 ? 2 : 3;
    byte[] out = new byte[header + body];
    out[0] = 0x30;
    if (header == 2) {
      out[1] = (byte) body;
    } else {
      out[1] = (byte) 0x81;
      out[2] = (byte) body;
    }
    int w = header;
    for (int i = 0; i < 2; i++) {
      out[w] = 0x02;
      out[w + 1] = (byte) contentLength[i];
      int end = w + 2 + contentLength[i];
      System.arraycopy(der, start[i], out, end - length[i], length[i]);
      w = end;
    }
    return out;
  }

  private static IllegalStateException malformed() {
    return new IllegalStateException("provider returned a malformed ECDSA signature");
  }

  /** Left-pads with zero bytes to {@code length}; drops leading zero bytes beyond it. */
  static byte[] leftPad(byte[] b, int length) {
    int start = 0;
    while (b.length - start > length && b[start] == 0) {
      start++;
    }
    int n = b.length - start;
    if (n > length) {
      throw new IllegalStateException("value longer than " + length + " bytes");
    }
    byte[] out = new byte[length];
    System.arraycopy(b, start, out, length - n, n);
    return out;
  }
}
