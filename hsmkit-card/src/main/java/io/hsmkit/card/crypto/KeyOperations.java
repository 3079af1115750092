package io.hsmkit.card.crypto;

import io.hsmkit.apdu.TlvWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The private-key operations behind SIGN and DECIPHER (sc-hsm-protocol.md §2.13, §2.14), in the
 * exact output formats OpenSC 0.23 expects from the card.
 *
 * <p>Bad command data end in {@link InvalidInputException}; a failure of the crypto library itself
 * is a bug and surfaces as {@link IllegalStateException}. Bouncy Castle is used as an explicit
 * provider, never installed (style.md §8).
 */
public final class KeyOperations {
  private static final Provider BC = CardCrypto.bouncyCastle();
  /** PKCS#1 v1.5 type 1 padding needs at least 00 01 FF*8 00 around the DigestInfo. */
  private static final int PKCS1_OVERHEAD = 11;

  private final SecureRandom random;

  public KeyOperations(SecureRandom random) {
    this.random = random;
  }

  /**
   * Raw RSA with the private key, m^d mod n: SIGN algorithm 20 on a block OpenSC has padded, and
   * DECIPHER 21. The input is a big-endian number below the modulus, at most modulus-length
   * bytes; the output always has the modulus length, leading zero bytes kept (§2.14: OpenSC
   * strips the padding from the full block).
   */
  public byte[] rsaRaw(PrivateKey key, byte[] input) throws InvalidInputException {
    BigInteger n = rsa(key).getModulus();
    int k = byteLength(n);
    if (input.length == 0 || input.length > k) {
      throw new InvalidInputException("RSA input length does not fit the modulus");
    }
    if (new BigInteger(1, input).compareTo(n) >= 0) {
      throw new InvalidInputException("RSA input is not below the modulus");
    }
    try {
      Cipher c = Cipher.getInstance("RSA/NONE/NoPadding", BC);
      c.init(Cipher.DECRYPT_MODE, key, random);
      return leftPad(c.doFinal(input), k);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("raw RSA failed", e);
    }
  }

  /** PKCS#1 v1.5 signature (EMSA-PKCS1-v1_5) over an encoded DigestInfo, modulus-length. */
  public byte[] rsaPkcs1(PrivateKey key, byte[] digestInfo) throws InvalidInputException {
    int k = byteLength(rsa(key).getModulus());
    if (digestInfo.length == 0 || digestInfo.length > k - PKCS1_OVERHEAD) {
      throw new InvalidInputException("DigestInfo too long for the key");
    }
    try {
      Signature s = Signature.getInstance("NONEwithRSA", BC);
      s.initSign(key, random);
      s.update(digestInfo);
      return leftPad(s.sign(), k);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA PKCS#1 signature failed", e);
    }
  }

  /**
   * RSASSA-PSS over a hash computed elsewhere, MGF1 with the same hash and a salt as long as the
   * hash: OpenSC does not transmit sLen or the MGF, so the card uses these defaults (§2.13).
   */
  public byte[] rsaPss(PrivateKey key, HashAlgorithm hash, byte[] mHash)
      throws InvalidInputException {
    if (mHash.length != hash.length()) {
      throw new InvalidInputException("hash length does not match the hash algorithm");
    }
    BigInteger n = rsa(key).getModulus();
    int emLen = (n.bitLength() - 1 + 7) / 8;
    if (emLen < 2 * hash.length() + 2) {
      throw new InvalidInputException("key too short for PSS with this hash");
    }
    try {
      Signature s = Signature.getInstance("NONEwithRSASSA-PSS", BC);
      s.setParameter(
          new PSSParameterSpec(
              hash.jcaName(), "MGF1", new MGF1ParameterSpec(hash.jcaName()), hash.length(), 1));
      s.initSign(key, random);
      s.update(mHash);
      return leftPad(s.sign(), byteLength(n));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA-PSS signature failed", e);
    }
  }

  /**
   * ECDSA over a hash computed elsewhere. A hash longer than the order is truncated to the order's
   * bit length, as ECDSA prescribes. The result is DER with fixed-width integers, see {@link
   * #ecdsaSignature}.
   */
  public byte[] ecdsa(PrivateKey key, Curve curve, byte[] hash) throws InvalidInputException {
    if (!(key instanceof ECPrivateKey)) {
      throw new IllegalArgumentException("not an EC key");
    }
    if (hash.length == 0) {
      throw new InvalidInputException("empty hash");
    }
    byte[] der;
    try {
      Signature s = Signature.getInstance("NONEwithECDSA", BC);
      s.initSign(key, random);
      s.update(hash);
      der = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA signature failed", e);
    }
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
    BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
    return ecdsaSignature(r, s, curve.fieldBytes());
  }

  /**
   * ECDH with the peer's uncompressed point {@code 04 || x || y}; the result is the shared point
   * {@code 04 || X || Y} as the real card returns it (§2.14; OpenSC keeps X). The peer point must
   * lie on the key's curve and must not be the point at infinity.
   */
  public byte[] ecdh(PrivateKey key, Curve curve, byte[] peerPoint) throws InvalidInputException {
    if (!(key instanceof ECPrivateKey ec)) {
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
    // All curves of OpenSC's table have cofactor 1, so d * Q needs no cofactor clearing.
    ECPoint shared = q.multiply(ec.getS()).normalize();
    if (shared.isInfinity()) {
      throw new InvalidInputException("shared point is the point at infinity");
    }
    return shared.getEncoded(false);
  }

  /**
   * {@code SEQUENCE { INTEGER r, INTEGER s }} with r and s left-padded to exactly {@code width}
   * bytes (plus a 00 byte when the top bit is set). OpenSC guesses the field length from the DER
   * length (§2.13), and minimal DER puts about 6 % of P-521 signatures into the wrong bucket; the
   * fixed width always lands in the right one.
   */
  public static byte[] ecdsaSignature(BigInteger r, BigInteger s, int width) {
    return new TlvWriter()
        .nest(0x30, w -> w.add(0x02, fixedInteger(r, width)).add(0x02, fixedInteger(s, width)))
        .toByteArray();
  }

  static byte[] fixedInteger(BigInteger v, int width) {
    byte[] magnitude = unsigned(v);
    byte[] padded = leftPad(magnitude, Math.max(width, magnitude.length));
    if ((padded[0] & 0x80) == 0) {
      return padded;
    }
    byte[] out = new byte[padded.length + 1];
    System.arraycopy(padded, 0, out, 1, padded.length);
    return out;
  }

  private static RSAPrivateKey rsa(PrivateKey key) {
    if (!(key instanceof RSAPrivateKey r)) {
      throw new IllegalArgumentException("not an RSA key");
    }
    return r;
  }

  private static int byteLength(BigInteger n) {
    return (n.bitLength() + 7) / 8;
  }

  private static byte[] unsigned(BigInteger v) {
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      return java.util.Arrays.copyOfRange(b, 1, b.length);
    }
    return b;
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
