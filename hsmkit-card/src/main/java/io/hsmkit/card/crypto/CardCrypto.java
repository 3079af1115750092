package io.hsmkit.card.crypto;

import io.hsmkit.card.state.KeyRecord;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The card's cryptography, one instance per card: key generation, key decoding (cached per key
 * record), and the signatures the card makes for its own certificates.
 *
 * <p>Bouncy Castle is passed explicitly, never installed globally, because JDK 17's SunEC lacks
 * brainpool and secp256k1 (style.md §8).
 */
public final class CardCrypto {
  private static final Provider BC = new BouncyCastleProvider();

  private final SecureRandom random;
  private final Map<KeyRecord, PrivateKey> privateCache =
      Collections.synchronizedMap(new WeakHashMap<>());

  public CardCrypto(SecureRandom random) {
    this.random = random;
  }

  /** The Bouncy Castle provider instance shared by all cards (it holds no per-card state). */
  public static Provider bouncyCastle() {
    return BC;
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
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
      g.initialize(new ECGenParameterSpec(curve.curveName()), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC key generation failed for " + curve.curveName(), e);
    }
  }

  public KeyPair generateRsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", BC);
      g.initialize(new RSAKeyGenParameterSpec(bits, BigInteger.valueOf(65537)), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation failed", e);
    }
  }

  /** The private key of a record, decoded once and cached while the record lives. */
  public PrivateKey privateKey(KeyRecord key) {
    PrivateKey cached = privateCache.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      PrivateKey k =
          KeyFactory.getInstance(key.type().name(), BC)
              .generatePrivate(new PKCS8EncodedKeySpec(key.privateKey()));
      privateCache.put(key, k);
      return k;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored private key " + key.id() + " does not decode", e);
    }
  }

  public PublicKey publicKey(KeyRecord key) {
    try {
      return KeyFactory.getInstance(key.type().name(), BC)
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
      String alg = key.getAlgorithm().startsWith("RSA") ? "SHA256withRSA" : "SHA256withPLAIN-ECDSA";
      Signature s = Signature.getInstance(alg, BC);
      s.initSign(key, random);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("CVC signature failed", e);
    }
  }
}
