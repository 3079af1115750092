package io.hsmkit.card.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A card key decoded once for one provider, with the JCA objects its operations need, created on
 * first use and reused: {@code Signature}, {@code Cipher} and {@code KeyAgreement} instances stay
 * initialised with the key between operations (their {@code sign}/{@code doFinal}/{@code
 * generateSecret} reset them to that state). Every operation is {@code synchronized}: the card
 * already runs one APDU at a time ({@code CardOs.process}), so the lock is never contended there,
 * and a key shared by other callers stays safe.
 *
 * <p>Only the primitives live here (raw RSA, ECDSA on a hash, ECDH); input checks and output
 * formats are {@link KeyOperations}'.
 */
public final class PreparedKey {
  private final PrivateKey key;
  private final Curve curve;
  private final Provider provider;
  private final CryptoProviders providers;
  private final SecureRandom random;
  private final BigInteger modulus;
  private final int modulusBytes;

  private Cipher rawRsa;
  private Signature ecdsa;
  private KeyAgreement ecdh;
  private KeyAgreement ecdhNext;
  private KeyFactory ecKeyFactory;
  private boolean ecdhTrickChecked;

  private PreparedKey(
      PrivateKey key, Curve curve, Provider provider, CryptoProviders providers,
      SecureRandom random) {
    this.key = key;
    this.curve = curve;
    this.provider = provider;
    this.providers = providers;
    this.random = random;
    if (key instanceof RSAPrivateKey rsa) {
      this.modulus = rsa.getModulus();
      this.modulusBytes = (modulus.bitLength() + 7) / 8;
    } else {
      this.modulus = null;
      this.modulusBytes = 0;
    }
  }

  /**
   * Decodes a PKCS#8 private key with the provider {@code providers} choose for it: {@code curve}
   * null for RSA.
   */
  public static PreparedKey decode(
      byte[] pkcs8, Curve curve, CryptoProviders providers, SecureRandom random)
      throws GeneralSecurityException {
    Provider p = curve == null ? providers.rsa() : providers.ec(curve);
    PrivateKey k =
        KeyFactory.getInstance(curve == null ? "RSA" : "EC", p)
            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    return new PreparedKey(k, curve, p, providers, random);
  }

  /** A key from any provider, re-decoded for the one {@code providers} choose. */
  public static PreparedKey of(PrivateKey key, CryptoProviders providers, SecureRandom random) {
    Curve curve = null;
    if (key instanceof ECPrivateKey ec) {
      curve =
          Curve.of(ec.getParams())
              .orElseThrow(() -> new IllegalArgumentException("curve not supported by the card"));
    } else if (!(key instanceof RSAPrivateKey)) {
      throw new IllegalArgumentException("neither an RSA nor an EC key");
    }
    try {
      return decode(key.getEncoded(), curve, providers, random);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("key does not decode", e);
    }
  }

  /** The decoded private key (of {@link #provider()}). */
  public PrivateKey privateKey() {
    return key;
  }

  /** The EC curve, or null for an RSA key. */
  public Curve curve() {
    return curve;
  }

  public boolean isRsa() {
    return modulus != null;
  }

  /** The provider that decoded the key and does its operations. */
  public Provider provider() {
    return provider;
  }

  public CryptoProviders providers() {
    return providers;
  }

  /** The RSA modulus; IllegalArgumentException for an EC key. */
  public BigInteger modulus() {
    if (modulus == null) {
      throw new IllegalArgumentException("not an RSA key");
    }
    return modulus;
  }

  /** The modulus length in bytes. */
  int modulusBytes() {
    modulus();
    return modulusBytes;
  }

  // ---- RSA ----

  /**
   * m^d mod n for a number below the modulus, given in at most modulus-length bytes; the result
   * has exactly the modulus length.
   */
  synchronized byte[] rsaPrivate(byte[] input) throws GeneralSecurityException {
    int k = modulusBytes();
    byte[] block = input.length == k ? input : KeyOperations.leftPad(input, k);
    if (rawRsa == null) {
      Cipher c = Cipher.getInstance("RSA/ECB/NoPadding", providers.rsaCipher());
      c.init(Cipher.DECRYPT_MODE, key, random);
      rawRsa = c;
    }
    return KeyOperations.leftPad(rawRsa.doFinal(block), k);
  }

  /**
   * Raw RSA with this key as a Bouncy Castle block cipher, so that BC's PKCS#1 v1.5 and PSS
   * encoders can run on top of the fast provider's private-key operation. Its parameters are
   * ignored (the key is this one); it only encrypts (signs).
   */
  AsymmetricBlockCipher rsaEngine() {
    return new AsymmetricBlockCipher() {
      @Override
      public void init(boolean forEncryption, CipherParameters params) {
        if (!forEncryption) {
          throw new IllegalArgumentException("signing engine only");
        }
      }

      @Override
      public int getInputBlockSize() {
        return modulusBytes() - 1;
      }

      @Override
      public int getOutputBlockSize() {
        return modulusBytes();
      }

      @Override
      public byte[] processBlock(byte[] in, int off, int len) {
        byte[] block = new byte[len];
        System.arraycopy(in, off, block, 0, len);
        try {
          return rsaPrivate(block);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("raw RSA failed", e);
        }
      }
    };
  }

  // ---- EC ----

  /** ECDSA over a hash (truncated to the order by the provider); DER {@code SEQUENCE {r, s}}. */
  synchronized byte[] ecdsaDer(byte[] hash) throws GeneralSecurityException {
    if (ecdsa == null) {
      Signature s = Signature.getInstance("NONEwithECDSA", provider);
      s.initSign(key, random);
      ecdsa = s;
    }
    ecdsa.update(hash);
    return ecdsa.sign();
  }

  /**
   * The shared point d·Q, uncompressed. {@code q} must already be a validated point of this curve
   * other than infinity. With ACCP the point comes from its (x-only) ECDH, see {@link #ecdhAccp};
   * otherwise from Bouncy Castle's point arithmetic.
   */
  synchronized byte[] ecdhPoint(ECPoint q) throws GeneralSecurityException {
    if (provider != CryptoProviders.bouncyCastle() && accpEcdhUsable()) {
      return ecdhAccp(q);
    }
    return ecdhBc(q);
  }

  byte[] ecdhBc(ECPoint q) {
    ECPoint shared = q.multiply(((ECPrivateKey) key).getS()).normalize();
    if (shared.isInfinity()) {
      throw new ArithmeticException("shared point is the point at infinity");
    }
    return shared.getEncoded(false);
  }

  /**
   * ECDH through the provider, which (like every JCA ECDH) returns only the x coordinate of
   * S = d·Q, while the card must answer the whole point. Two agreements give it: x1 = x(d·Q) and
   * x2 = x((d+1)·Q) = x(S + Q), and the y coordinate follows from the Okeya–Sakurai / Brier–Joye
   * recovery formula for Weierstrass curves: y1 = (2b + (a + xQ·x1)(xQ + x1) − x2·(xQ − x1)²) /
   * (2·yQ). This is still several times faster than one Bouncy Castle multiplication. The result
   * is checked to lie on the curve.
   */
  private byte[] ecdhAccp(ECPoint q) throws GeneralSecurityException {
    ECPoint qn = q.normalize();
    ECParameterSpec params = ((ECPrivateKey) key).getParams();
    PublicKey peer =
        ecKeyFactory.generatePublic(
            new ECPublicKeySpec(
                new java.security.spec.ECPoint(
                    qn.getAffineXCoord().toBigInteger(), qn.getAffineYCoord().toBigInteger()),
                params));
    ecdh.doPhase(peer, true);
    byte[] x1Bytes = ecdh.generateSecret();
    ecdhNext.doPhase(peer, true);
    byte[] x2Bytes = ecdhNext.generateSecret();

    ECCurve c = curve.x9().getCurve();
    ECFieldElement xq = qn.getAffineXCoord();
    ECFieldElement yq = qn.getAffineYCoord();
    ECFieldElement x1 = c.fromBigInteger(new BigInteger(1, x1Bytes));
    ECFieldElement x2 = c.fromBigInteger(new BigInteger(1, x2Bytes));
    ECFieldElement diff = xq.subtract(x1);
    ECFieldElement b2 = c.getB().add(c.getB());
    ECFieldElement numerator =
        b2.add(c.getA().add(xq.multiply(x1)).multiply(xq.add(x1)))
            .subtract(x2.multiply(diff.square()));
    ECFieldElement y1 = numerator.divide(yq.add(yq));
    ECPoint shared = c.validatePoint(x1.toBigInteger(), y1.toBigInteger());
    return shared.getEncoded(false);
  }

  /**
   * Prepares the two agreements of {@link #ecdhAccp}; false (use Bouncy Castle) in the one case the
   * formula cannot serve: d + 1 = n, where (d+1)·Q is the point at infinity.
   */
  private boolean accpEcdhUsable() throws GeneralSecurityException {
    if (!ecdhTrickChecked) {
      ecdhTrickChecked = true;
      ECPrivateKey ec = (ECPrivateKey) key;
      BigInteger n = ec.getParams().getOrder();
      BigInteger next = ec.getS().add(BigInteger.ONE);
      if (next.compareTo(n) >= 0) {
        return false;
      }
      KeyFactory kf = KeyFactory.getInstance("EC", provider);
      PrivateKey nextKey = kf.generatePrivate(new ECPrivateKeySpec(next, ec.getParams()));
      KeyAgreement a = KeyAgreement.getInstance("ECDH", provider);
      a.init(key, random);
      KeyAgreement b = KeyAgreement.getInstance("ECDH", provider);
      b.init(nextKey, random);
      ecKeyFactory = kf;
      ecdh = a;
      ecdhNext = b;
    }
    return ecdh != null;
  }
}
