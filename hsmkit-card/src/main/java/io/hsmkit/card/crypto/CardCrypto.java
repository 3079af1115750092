package io.hsmkit.card.crypto;

import io.hsmkit.card.state.KeyRecord;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * The card's cryptography, one instance per card: key generation, key decoding (cached per key
 * record as a {@link PreparedKey}), and the signatures the card makes for its own certificates.
 *
 * <p>Providers come from {@link CryptoProviders} and are passed explicitly, never installed
 * globally: ACCP (native AWS-LC) for RSA and the NIST curves where it loads, Bouncy Castle for
 * brainpool / secp192 / secp256k1 (JDK 17's SunEC lacks them), the JDK for RSA when
 * ACCP is absent.
 *
 * <p>Randomness: the injected {@link SecureRandom} is handed to every provider call; ACCP draws
 * its nonces and key material from AWS-LC's own DRBG regardless, Bouncy Castle and the JDK use it.
 */
public final class CardCrypto {
  private final SecureRandom random;
  private final CryptoProviders providers;
  private final KeyOperations operations;
  private final Map<KeyRecord, PreparedKey> preparedCache =
      Collections.synchronizedMap(new WeakHashMap<>());
  /** The last key used: a hit skips hashing and comparing the key record (the usual case). */
  private volatile Last last = new Last(null, null);

  private record Last(KeyRecord record, PreparedKey key) {}

  public CardCrypto(SecureRandom random) {
    this(random, CryptoProviders.detect());
  }

  public CardCrypto(SecureRandom random, CryptoProviders providers) {
    this.random = random;
    this.providers = providers;
    this.operations = new KeyOperations(random, providers);
  }

  /** The Bouncy Castle provider instance shared by all cards (it holds no per-card state). */
  public static Provider bouncyCastle() {
    return CryptoProviders.bouncyCastle();
  }

  public CryptoProviders providers() {
    return providers;
  }

  /** The SIGN / DECIPHER operations on this card's providers. */
  public KeyOperations operations() {
    return operations;
  }

  public SecureRandom random() {
    return random;
  }

  public byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  public KeyPair generateEc(Curve curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", providers.ec(curve));
      g.initialize(new ECGenParameterSpec(curve.curveName()), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC key generation failed for " + curve.curveName(), e);
    }
  }

  public KeyPair generateRsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", providers.rsa());
      g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation failed", e);
    }
  }

  /** The private key of a record, decoded once and cached while the record lives. */
  public PrivateKey privateKey(KeyRecord key) {
    return prepared(key).privateKey();
  }

  /**
   * The record's key decoded for its provider, with its operation objects; cached while the
   * record lives (records are immutable, so a cached entry can never go stale).
   */
  public PreparedKey prepared(KeyRecord key) {
    return prepared(key, KeyRecord::privateKey);
  }

  /**
   * As {@link #prepared(KeyRecord)} for a sealed record: {@code pkcs8} gives the plaintext private
   * key, and is called only on a cache miss (unsealing stays off the SIGN fast path).
   */
  public PreparedKey prepared(KeyRecord key, Function<KeyRecord, byte[]> pkcs8) {
    Last l = last;
    if (l.record() == key) {
      return l.key();
    }
    PreparedKey p = preparedCache.get(key);
    if (p == null) {
      byte[] der = pkcs8.apply(key);
      try {
        p = decode(key, der);
      } finally {
        java.util.Arrays.fill(der, (byte) 0);
      }
      preparedCache.put(key, p);
    }
    last = new Last(key, p);
    return p;
  }

  /**
   * Drops every decoded key (power-off, reset, INITIALIZE): after it, only a new VERIFY can decode
   * a sealed key again.
   */
  public void forgetPreparedKeys() {
    preparedCache.clear();
    last = new Last(null, null);
  }

  private PreparedKey decode(KeyRecord key, byte[] pkcs8) {
    Curve curve = null;
    if (key.type() == KeyRecord.KeyType.EC) {
      curve =
          Curve.byName(key.curve())
              .orElseThrow(
                  () -> new IllegalStateException("key " + key.id() + " has an unknown curve"));
    }
    try {
      return PreparedKey.decode(pkcs8, curve, providers, random);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored private key " + key.id() + " does not decode", e);
    }
  }

  public PublicKey publicKey(KeyRecord key) {
    try {
      return KeyFactory.getInstance(key.type().name(), bouncyCastle())
          .generatePublic(new X509EncodedKeySpec(key.publicKey()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored public key " + key.id() + " does not decode", e);
    }
  }

  /**
   * Signs with SHA-256 in the form CV certificates use: ECDSA as plain {@code r || s} (BSI
   * TR-03111), RSA as PKCS#1 v1.5.
   */
  public byte[] signForCvc(PrivateKey key, byte[] data) {
    try {
      Signature s;
      if (key instanceof RSAPrivateKey) {
        s = Signature.getInstance("SHA256withRSA", providers.rsa());
      } else {
        Curve curve = Curve.of(((ECPrivateKey) key).getParams()).orElse(null);
        Provider p = curve != null ? providers.ec(curve) : bouncyCastle();
        s =
            p == bouncyCastle()
                ? Signature.getInstance("SHA256withPLAIN-ECDSA", p)
                : Signature.getInstance("SHA256withECDSAinP1363Format", p);
      }
      s.initSign(key, random);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("CVC signature failed", e);
    }
  }
}
