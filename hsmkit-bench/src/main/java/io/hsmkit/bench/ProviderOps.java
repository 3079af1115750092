package io.hsmkit.bench;

import io.hsmkit.card.crypto.CryptoProviders;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The raw operations of the card on each candidate provider, to choose the fastest
 * (CryptoProviders): ACCP (AWS-LC), Bouncy Castle, and the JDK (SunEC, SunRsaSign / SunJCE).
 * Combinations a provider does not support fail in set-up and show as "–" in the table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProviderOps {
  @Param({"ACCP", "BC", "JDK"})
  public String provider;

  @Param({
    "ecdsa-p256",
    "ecdsa-p384",
    "ecdsa-p521",
    "ecdsa-secp256k1",
    "ecdh-p256",
    "rsa-2048-raw",
    "rsa-4096-raw",
    "keygen-ec-p256",
    "keygen-rsa-2048"
  })
  public String op;

  CardOps.RawOp rawOp;
  final SecureRandom random = new SecureRandom();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    switch (op) {
      case "ecdsa-p256" -> ecdsa("secp256r1");
      case "ecdsa-p384" -> ecdsa("secp384r1");
      case "ecdsa-p521" -> ecdsa("secp521r1");
      case "ecdsa-secp256k1" -> ecdsa("secp256k1");
      case "ecdh-p256" -> {
        Provider p = ec();
        KeyPair mine = ecKey("secp256r1", p);
        PublicKey peer = ecKey("secp256r1", p).getPublic();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", p);
        ka.init(mine.getPrivate(), random);
        rawOp =
            () -> {
              ka.doPhase(peer, true);
              return ka.generateSecret();
            };
      }
      case "rsa-2048-raw" -> rsaRaw(2048);
      case "rsa-4096-raw" -> rsaRaw(4096);
      case "keygen-ec-p256" -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", ec());
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        rawOp = g::generateKeyPair;
      }
      case "keygen-rsa-2048" -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", rsaKeys());
        g.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), random);
        rawOp = g::generateKeyPair;
      }
      default -> throw new IllegalArgumentException("unknown op " + op);
    }
    rawOp.run();
  }

  @Benchmark
  public Object raw() throws Exception {
    return rawOp.run();
  }

  private void ecdsa(String curve) throws Exception {
    Provider p = ec();
    KeyPair kp = ecKey(curve, p);
    byte[] hash = new byte[32];
    random.nextBytes(hash);
    Signature s = Signature.getInstance("NONEwithECDSA", p);
    s.initSign(kp.getPrivate(), random);
    rawOp =
        () -> {
          s.update(hash);
          return s.sign();
        };
  }

  private void rsaRaw(int bits) throws Exception {
    // One key for every provider (made by BC), decoded by the provider under test.
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", CryptoProviders.bouncyCastle());
    g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
    KeyPair kp = g.generateKeyPair();
    PrivateKey k =
        KeyFactory.getInstance("RSA", rsaKeys())
            .generatePrivate(new PKCS8EncodedKeySpec(kp.getPrivate().getEncoded()));
    Cipher c = Cipher.getInstance("RSA/ECB/NoPadding", rsaCipher());
    c.init(Cipher.DECRYPT_MODE, k, random);
    byte[] input = new BigInteger(bits - 8, random).toByteArray();
    byte[] block = new byte[bits / 8];
    System.arraycopy(input, 0, block, block.length - input.length, input.length);
    rawOp = () -> c.doFinal(block);
  }

  /** An EC key pair of {@code curve} (made by BC), decoded by {@code p}. */
  private KeyPair ecKey(String curve, Provider p) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CryptoProviders.bouncyCastle());
    g.initialize(new ECGenParameterSpec(curve), random);
    KeyPair kp = g.generateKeyPair();
    KeyFactory f = KeyFactory.getInstance("EC", p);
    return new KeyPair(
        f.generatePublic(new X509EncodedKeySpec(kp.getPublic().getEncoded())),
        f.generatePrivate(new PKCS8EncodedKeySpec(kp.getPrivate().getEncoded())));
  }

  private Provider ec() {
    return switch (provider) {
      case "ACCP" -> accp();
      case "BC" -> CryptoProviders.bouncyCastle();
      default -> Security.getProvider("SunEC");
    };
  }

  private Provider rsaKeys() {
    return switch (provider) {
      case "ACCP" -> accp();
      case "BC" -> CryptoProviders.bouncyCastle();
      default -> Security.getProvider("SunRsaSign");
    };
  }

  private Provider rsaCipher() {
    return switch (provider) {
      case "ACCP" -> accp();
      case "BC" -> CryptoProviders.bouncyCastle();
      default -> Security.getProvider("SunJCE");
    };
  }

  private static Provider accp() {
    return CryptoProviders.accpIfAvailable()
        .orElseThrow(() -> new IllegalStateException("ACCP does not load on this platform"));
  }
}
