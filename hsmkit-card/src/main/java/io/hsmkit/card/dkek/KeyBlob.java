package io.hsmkit.card.dkek;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.cvc.Cvc;
import io.hsmkit.card.state.KeyRecord;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.jce.spec.ECNamedCurveSpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * The key blob of WRAP KEY / UNWRAP KEY, byte-compatible with a real SmartCard-HSM
 * (docs/protocol.md#key-blob, checked against a real Nitrokey HSM 2 blob):
 *
 * <pre>
 * KCV 8 | type 1 | default algorithm 2+n | allowed algorithms 2+n | access conditions 2+n
 *   | key OID 2+n | AES-256-CBC(Kenc, IV 0) of [8 random | key size 2 | components | 80 00..]
 *   | AES-CMAC(Kmac) of everything before
 * </pre>
 *
 * <p>An AES key (type {@code 0F}) has the key length in bytes as its size and the raw key as its
 * only component, without a length of its own.
 */
public final class KeyBlob {
  static final int TYPE_RSA = 5;
  static final int TYPE_RSA_CRT = 6;
  static final int TYPE_EC = 12;
  static final int TYPE_AES = 15;

  /**
   * The default algorithm of an AES blob: the content of OID 2.16.840.1.101.3.4.1 (NIST's aes arc),
   * as pico-hsm writes and requires it (docs/protocol.md#key-blob; no CardContact source shows it).
   */
  static final byte[] AES_OID = {0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01};

  /** RSA keys up to this size use the CRT form; larger ones the (d, n, e) form to stay < 1500 B. */
  static final int CRT_MAX_BITS = 2048;

  private KeyBlob() {}

  /** Thrown for any blob that must be rejected (the card answers {@code 6A80}). */
  public static final class InvalidBlobException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidBlobException(String message) {
      super(message, null, false, false);
    }
  }

  /** Wraps a card key whose private part is in plaintext under {@code dkek}. */
  public static byte[] wrap(KeyRecord key, byte[] dkek, CardCrypto crypto) {
    return wrap(key, crypto.privateKey(key), dkek, crypto);
  }

  /** Wraps a card key under {@code dkek}; {@code priv} is its (unsealed) private key. */
  public static byte[] wrap(KeyRecord key, PrivateKey priv, byte[] dkek, CardCrypto crypto) {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.writeBytes(crypto.randomBytes(8));
    int type;
    byte[] oid;
    if (priv instanceof ECPrivateKey ec) {
      Curve curve = Curve.byName(key.curve()).orElseThrow();
      type = TYPE_EC;
      oid = TaAlgorithm.ECDSA_SHA_256.der();
      writeShort(plain, curve.fieldBytes() * 8);
      component(plain, curve.aBytes());
      component(plain, curve.bBytes());
      component(plain, curve.primeBytes());
      component(plain, curve.fixed(curve.x9().getN()));
      component(plain, curve.generatorBytes());
      component(plain, curve.fixed(ec.getS()));
      ECPoint q = curve.x9().getG().multiply(ec.getS()).normalize();
      component(plain, q.getEncoded(false));
    } else {
      RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) priv;
      int bits = rsa.getModulus().bitLength();
      int len = (bits + 7) / 8;
      int half = (len + 1) / 2;
      oid = TaAlgorithm.RSA_V1_5_SHA_256.der();
      writeShort(plain, bits);
      // fixed widths (modulus / half modulus), as a card exports them: RSA-2048 gives 971 bytes
      // and RSA-4096 1099 bytes, the size seen from a real SmartCard-HSM 4K (docs/protocol.md#key-blob)
      if (bits <= CRT_MAX_BITS) {
        type = TYPE_RSA_CRT;
        component(plain, fixed(rsa.getPrimeExponentP(), half));
        component(plain, fixed(rsa.getPrimeExponentQ(), half));
        component(plain, fixed(rsa.getPrimeP(), half));
        component(plain, fixed(rsa.getCrtCoefficient(), half));
        component(plain, fixed(rsa.getPrimeQ(), half));
      } else {
        type = TYPE_RSA;
        component(plain, fixed(rsa.getPrivateExponent(), len));
      }
      component(plain, fixed(rsa.getModulus(), len));
      component(plain, BigIntegers.asUnsignedByteArray(rsa.getPublicExponent()));
    }
    return seal(type, oid, key.algorithms(), plain, dkek);
  }

  /**
   * Wraps an AES key ({@code secret}, 16/24/32 bytes, unsealed) under {@code dkek}: type {@code
   * 0F}, default algorithm {@link #AES_OID}, size = key length in bytes, then the key.
   */
  public static byte[] wrapAes(KeyRecord key, byte[] secret, byte[] dkek, CardCrypto crypto) {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.writeBytes(crypto.randomBytes(8));
    writeShort(plain, secret.length);
    plain.writeBytes(secret);
    return seal(TYPE_AES, AES_OID, key.algorithms(), plain, dkek);
  }

  /** Pads and encrypts {@code plain} (wiped afterwards), adds the header and the CMAC. */
  private static byte[] seal(
      int type, byte[] oid, byte[] algorithms, ByteArrayOutputStream plain, byte[] dkek) {
    plain.write(0x80);
    while (plain.size() % 16 != 0) {
      plain.write(0);
    }
    byte[] p = plain.toByteArray();
    plain.reset();

    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    blob.writeBytes(Dkek.kcv(dkek));
    blob.write(type);
    lengthPrefixed(blob, oid);
    lengthPrefixed(blob, algorithms);
    lengthPrefixed(blob, new byte[0]);
    lengthPrefixed(blob, new byte[0]);
    blob.writeBytes(aes(Cipher.ENCRYPT_MODE, Dkek.kenc(dkek), p));
    Arrays.fill(p, (byte) 0);
    blob.writeBytes(cmac(Dkek.kmac(dkek), blob.toByteArray()));
    return blob.toByteArray();
  }

  /**
   * Unwraps a blob into a key record for key reference {@code id}. The checks, in order:
   *
   * <ol>
   *   <li>length plausible and the KCV is this card's DKEK's;
   *   <li>the CMAC verifies (constant-time);
   *   <li>the header parses, the key type is RSA or EC, the default algorithm fits the type;
   *   <li>the ciphertext is whole blocks, decrypts, and its components parse by their lengths;
   *   <li>EC: the curve is in OpenSC's table (by prime), a, b, G, n are that curve's, 0 < d < n
   *       and Q = d·G; RSA: p·q = n (or, for the d,n,e form, n factors with e and d) and e·d ≡ 1.
   * </ol>
   */
  public static KeyRecord unwrap(byte[] blob, byte[] dkek, int id) throws InvalidBlobException {
    // 1. length and KCV
    if (blob.length < 8 + 1 + 4 * 2 + 16 + 16) {
      throw new InvalidBlobException("blob too short");
    }
    if (!MessageDigest.isEqual(Arrays.copyOf(blob, 8), Dkek.kcv(dkek))) {
      throw new InvalidBlobException("KCV does not match this card's DKEK");
    }
    // 2. CMAC
    int macAt = blob.length - 16;
    byte[] mac = cmac(Dkek.kmac(dkek), Arrays.copyOf(blob, macAt));
    if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(blob, macAt, blob.length))) {
      throw new InvalidBlobException("CMAC does not verify");
    }
    // 3. header
    ByteBuffer b = ByteBuffer.wrap(blob, 0, macAt);
    b.position(8);
    int type = b.get() & 0xFF;
    byte[] defaultAlgo = readPrefixed(b);
    byte[] allowed = readPrefixed(b);
    readPrefixed(b); // access conditions
    readPrefixed(b); // key OID
    boolean ec = type == TYPE_EC;
    boolean aesKey = type == TYPE_AES;
    if (type != TYPE_EC && type != TYPE_RSA && type != TYPE_RSA_CRT && !aesKey) {
      throw new InvalidBlobException("unsupported key type " + type);
    }
    if (aesKey
        ? !Arrays.equals(defaultAlgo, AES_OID)
        : !(ec ? TaAlgorithm.ECDSA_SHA_256 : TaAlgorithm.RSA_V1_5_SHA_256).matches(defaultAlgo)) {
      throw new InvalidBlobException("default algorithm does not fit the key type");
    }
    // 4. decrypt
    int encLen = b.remaining();
    if (encLen == 0 || encLen % 16 != 0) {
      throw new InvalidBlobException("ciphertext is not whole blocks");
    }
    byte[] enc = new byte[encLen];
    b.get(enc);
    byte[] plain = aes(Cipher.DECRYPT_MODE, Dkek.kenc(dkek), enc);
    try {
      ByteBuffer p = ByteBuffer.wrap(plain);
      if (p.remaining() < 10) {
        throw new InvalidBlobException("plaintext too short");
      }
      p.position(8);
      int size = p.getShort() & 0xFFFF;
      if (aesKey) {
        return aesKey(id, p, size, allowed);
      }
      int count = ec ? 7 : type == TYPE_RSA_CRT ? 7 : 3;
      List<BigInteger> c = new ArrayList<>();
      List<byte[]> raw = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] v = readPrefixed(p);
        raw.add(v);
        c.add(new BigInteger(1, v));
      }
      // 5. the key itself
      return ec ? ecKey(id, raw, c, allowed, size) : rsaKey(id, type, c, allowed);
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new InvalidBlobException("key values are inconsistent");
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * The AES key after the size: 16, 24 or 32 bytes (the size in bytes, as pico-hsm writes it, or
   * in bits, as the RSA and EC blobs give theirs), followed only by ISO/IEC 9797-1 method 2
   * padding; so a size that disagrees with the ciphertext's length is refused.
   */
  private static KeyRecord aesKey(int id, ByteBuffer p, int size, byte[] allowed)
      throws InvalidBlobException {
    int len = size == 128 || size == 192 || size == 256 ? size / 8 : size;
    if (len != 16 && len != 24 && len != 32) {
      throw new InvalidBlobException("AES key size " + size + " not supported");
    }
    if (p.remaining() < len) {
      throw new InvalidBlobException("AES key runs past the end");
    }
    byte[] secret = new byte[len];
    p.get(secret);
    int pad = p.remaining();
    boolean padded = pad == 0;
    if (pad > 0 && pad < 16 && (p.get() & 0xFF) == 0x80) {
      padded = true;
      while (p.hasRemaining()) {
        padded &= p.get() == 0;
      }
    }
    if (!padded) {
      Arrays.fill(secret, (byte) 0);
      throw new InvalidBlobException("AES key size does not fit the ciphertext");
    }
    try {
      return new KeyRecord(id, KeyRecord.KeyType.AES, len * 8, "", secret, new byte[0], allowed);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private static KeyRecord ecKey(int id, List<byte[]> raw, List<BigInteger> c, byte[] allowed,
      int size) throws InvalidBlobException {
    Curve curve = Curve.byPrime(raw.get(2))
        .orElseThrow(() -> new InvalidBlobException("curve not supported"));
    // a, b, n and G must be the curve's; an empty one is accepted (pico-hsm leaves some out)
    if ((raw.get(0).length > 0 && !c.get(0).equals(curve.x9().getCurve().getA().toBigInteger()))
        || (raw.get(1).length > 0 && !c.get(1).equals(curve.x9().getCurve().getB().toBigInteger()))
        || (raw.get(3).length > 0 && !c.get(3).equals(curve.x9().getN()))) {
      throw new InvalidBlobException("domain parameters do not match " + curve.curveName());
    }
    try {
      if (raw.get(4).length > 0 && !curve.decodePoint(raw.get(4)).equals(curve.x9().getG())) {
        throw new InvalidBlobException("base point does not match " + curve.curveName());
      }
      BigInteger d = c.get(5);
      if (d.signum() <= 0 || d.compareTo(curve.x9().getN()) >= 0) {
        throw new InvalidBlobException("private value out of range");
      }
      ECPoint q = curve.decodePoint(raw.get(6));
      if (!curve.x9().getG().multiply(d).normalize().equals(q.normalize())) {
        throw new InvalidBlobException("public point does not belong to the private key");
      }
      ECNamedCurveSpec spec = new ECNamedCurveSpec(curve.curveName(), curve.x9().getCurve(),
          curve.x9().getG(), curve.x9().getN(), curve.x9().getH());
      KeyFactory kf = KeyFactory.getInstance("EC", CardCrypto.bouncyCastle());
      PrivateKey priv = kf.generatePrivate(new java.security.spec.ECPrivateKeySpec(d, spec));
      PublicKey pub = kf.generatePublic(new java.security.spec.ECPublicKeySpec(
          new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
              q.getAffineYCoord().toBigInteger()), spec));
      return new KeyRecord(id, KeyRecord.KeyType.EC, curve.fieldBits(), curve.curveName(),
          priv.getEncoded(), pub.getEncoded(), allowed);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new InvalidBlobException("EC key does not decode: " + e.getMessage());
    }
  }

  private static KeyRecord rsaKey(int id, int type, List<BigInteger> c, byte[] allowed)
      throws InvalidBlobException {
    BigInteger n;
    BigInteger e;
    BigInteger p;
    BigInteger q;
    BigInteger d;
    if (type == TYPE_RSA_CRT) {
      p = c.get(2);
      q = c.get(4);
      n = c.get(5);
      e = c.get(6);
      if (p.signum() <= 0 || q.signum() <= 0 || !p.multiply(q).equals(n)) {
        throw new InvalidBlobException("RSA primes do not give the modulus");
      }
      BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
      try {
        d = e.modInverse(phi);
      } catch (ArithmeticException ex) {
        throw new InvalidBlobException("RSA exponent not invertible");
      }
      if (!c.get(0).equals(d.mod(p.subtract(BigInteger.ONE)))
          || !c.get(1).equals(d.mod(q.subtract(BigInteger.ONE)))
          || !c.get(3).equals(q.modInverse(p))) {
        throw new InvalidBlobException("RSA CRT values are inconsistent");
      }
    } else {
      d = c.get(0);
      n = c.get(1);
      e = c.get(2);
      BigInteger[] pq = factor(n, e, d);
      p = pq[0];
      q = pq[1];
    }
    if (n.bitLength() < 1024 || n.bitLength() > 4096) {
      throw new InvalidBlobException("RSA modulus size not supported");
    }
    try {
      KeyFactory kf = KeyFactory.getInstance("RSA", CardCrypto.bouncyCastle());
      PrivateKey priv = kf.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q,
          d.mod(p.subtract(BigInteger.ONE)), d.mod(q.subtract(BigInteger.ONE)), q.modInverse(p)));
      PublicKey pub = kf.generatePublic(new RSAPublicKeySpec(n, e));
      return new KeyRecord(id, KeyRecord.KeyType.RSA, n.bitLength(), "", priv.getEncoded(),
          pub.getEncoded(), allowed);
    } catch (GeneralSecurityException | ArithmeticException ex) {
      throw new InvalidBlobException("RSA key does not decode");
    }
  }

  /**
   * Recovers p and q from (n, e, d): with k = e·d − 1 = 2^t·r, a random g gives a non-trivial
   * square root of 1 mod n with probability ≥ 1/2, and gcd(root − 1, n) is a factor.
   */
  static BigInteger[] factor(BigInteger n, BigInteger e, BigInteger d)
      throws InvalidBlobException {
    BigInteger k = e.multiply(d).subtract(BigInteger.ONE);
    if (k.signum() <= 0 || k.testBit(0)) {
      throw new InvalidBlobException("RSA exponents are inconsistent");
    }
    int t = k.getLowestSetBit();
    BigInteger r = k.shiftRight(t);
    BigInteger nMinus1 = n.subtract(BigInteger.ONE);
    SecureRandom rnd = new SecureRandom();
    for (int attempt = 0; attempt < 100; attempt++) {
      BigInteger g = new BigInteger(n.bitLength() - 1, rnd).add(BigInteger.TWO);
      BigInteger y = g.modPow(r, n);
      if (y.equals(BigInteger.ONE) || y.equals(nMinus1)) {
        continue;
      }
      for (int i = 1; i <= t; i++) {
        BigInteger x = y.modPow(BigInteger.TWO, n);
        if (x.equals(BigInteger.ONE)) {
          BigInteger p = y.subtract(BigInteger.ONE).gcd(n);
          return new BigInteger[] {p.max(n.divide(p)), p.min(n.divide(p))};
        }
        if (x.equals(nMinus1)) {
          break;
        }
        y = x;
      }
    }
    throw new InvalidBlobException("RSA modulus does not factor with these exponents");
  }

  private static byte[] aes(int mode, byte[] key, byte[] data) {
    try {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES failed", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  static byte[] cmac(byte[] key, byte[] data) {
    CMac m = new CMac(AESEngine.newInstance());
    m.init(new KeyParameter(key));
    m.update(data, 0, data.length);
    byte[] out = new byte[16];
    m.doFinal(out, 0);
    Arrays.fill(key, (byte) 0);
    return out;
  }

  private static void writeShort(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  private static void component(ByteArrayOutputStream out, byte[] v) {
    lengthPrefixed(out, v);
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, byte[] v) {
    writeShort(out, v.length);
    out.writeBytes(v);
  }

  private static byte[] readPrefixed(ByteBuffer b) throws InvalidBlobException {
    if (b.remaining() < 2) {
      throw new InvalidBlobException("truncated length");
    }
    int n = b.getShort() & 0xFFFF;
    if (n > b.remaining()) {
      throw new InvalidBlobException("length runs past the end");
    }
    byte[] v = new byte[n];
    b.get(v);
    return v;
  }

  /** {@code v} unsigned, left-padded to {@code len} bytes (left as is when longer). */
  private static byte[] fixed(BigInteger v, int len) {
    return v.bitLength() > 8 * len
        ? BigIntegers.asUnsignedByteArray(v)
        : BigIntegers.asUnsignedByteArray(len, v);
  }

}
