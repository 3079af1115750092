package io.hsmkit.card.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.apdu.Tlv;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The primary provider (ACCP) and the fallback (Bouncy Castle / the JDK) give the card the same
 * results on the same key: bit-identical where the operation is deterministic (raw RSA, PKCS#1
 * v1.5, ECDH), signatures that verify where it is not (ECDSA, PSS).
 */
class ProviderEquivalenceTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final CryptoProviders FALLBACK = CryptoProviders.fallback();
  static CryptoProviders primary;
  static KeyPair rsa2048;

  @BeforeAll
  static void keys() {
    primary = CryptoProvidersTest.accp();
    rsa2048 = new CardCrypto(RANDOM, primary).generateRsa(2048);
  }

  static KeyOperations ops(CryptoProviders p) {
    return new KeyOperations(RANDOM, p);
  }

  static PreparedKey prepare(PrivateKey k, CryptoProviders p) {
    return PreparedKey.of(k, p, RANDOM);
  }

  @Test
  void preparedKeys_useTheChosenProviders() {
    assertThat(prepare(rsa2048.getPrivate(), primary).provider()).isSameAs(primary.rsa());
    assertThat(prepare(rsa2048.getPrivate(), FALLBACK).provider().getName())
        .isEqualTo("SunRsaSign");
  }

  @Test
  void rsaRaw_primaryAndFallback_identicalAndInvertedByThePublicKey() throws Exception {
    PreparedKey a = prepare(rsa2048.getPrivate(), primary);
    PreparedKey b = prepare(rsa2048.getPrivate(), FALLBACK);
    for (int i = 0; i < 20; i++) {
      byte[] m = new byte[i % 2 == 0 ? 256 : 200];
      RANDOM.nextBytes(m);
      m[0] &= 0x7F; // below the modulus

      byte[] x = ops(primary).rsaRaw(a, m);
      byte[] y = ops(FALLBACK).rsaRaw(b, m);

      assertThat(x).hasSize(256).isEqualTo(y);
      Cipher pub = Cipher.getInstance("RSA/ECB/NoPadding");
      pub.init(Cipher.ENCRYPT_MODE, rsa2048.getPublic());
      assertThat(new BigInteger(1, pub.doFinal(x))).isEqualTo(new BigInteger(1, m));
    }
  }

  @Test
  void rsaRaw_leadingZeroResult_keepsModulusLength() throws Exception {
    // s = m^d with m = s'^e for a small s': the output starts with zero bytes.
    RSAPublicKey pub = (RSAPublicKey) rsa2048.getPublic();
    BigInteger small = BigInteger.valueOf(0x1234);
    byte[] signed = small.modPow(pub.getPublicExponent(), pub.getModulus()).toByteArray();
    // unsigned big-endian: drop the sign byte toByteArray() adds when the top bit is set
    byte[] m = signed.length > 256 ? Arrays.copyOfRange(signed, signed.length - 256, signed.length) : signed;
    for (CryptoProviders p : List.of(primary, FALLBACK)) {
      byte[] s = ops(p).rsaRaw(prepare(rsa2048.getPrivate(), p), m);

      assertThat(s).hasSize(256);
      assertThat(new BigInteger(1, s)).isEqualTo(small);
    }
  }

  @Test
  void rsaRaw_inputNotBelowModulus_isInvalidOnBoth() {
    byte[] n = ((RSAPublicKey) rsa2048.getPublic()).getModulus().toByteArray();
    byte[] modulus = Arrays.copyOfRange(n, n.length - 256, n.length);
    for (CryptoProviders p : List.of(primary, FALLBACK)) {
      assertThatThrownBy(() -> ops(p).rsaRaw(prepare(rsa2048.getPrivate(), p), modulus))
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void rsaPkcs1_primaryAndFallback_identicalToBouncyCastleNoneWithRsa() throws Exception {
    byte[] digestInfo = HashAlgorithm.SHA256.digestInfo(HashAlgorithm.SHA256.digest(new byte[7]));
    Signature bc = Signature.getInstance("NONEwithRSA", CryptoProviders.bouncyCastle());
    bc.initSign(rsa2048.getPrivate());
    bc.update(digestInfo);
    byte[] expected = bc.sign();

    assertThat(ops(primary).rsaPkcs1(prepare(rsa2048.getPrivate(), primary), digestInfo))
        .isEqualTo(expected);
    assertThat(ops(FALLBACK).rsaPkcs1(prepare(rsa2048.getPrivate(), FALLBACK), digestInfo))
        .isEqualTo(expected);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(rsa2048.getPublic());
    jdk.update(new byte[7]);
    assertThat(jdk.verify(expected)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(HashAlgorithm.class)
  void rsaPss_primaryAndFallback_bothVerifyWithTheJdk(HashAlgorithm hash) throws Exception {
    byte[] message = "PSS on both providers".getBytes();
    byte[] mHash = hash.digest(message);
    for (CryptoProviders p : List.of(primary, FALLBACK)) {
      byte[] sig = ops(p).rsaPss(prepare(rsa2048.getPrivate(), p), hash, mHash);

      Signature v = Signature.getInstance("RSASSA-PSS");
      v.setParameter(
          new PSSParameterSpec(
              hash.jcaName(), "MGF1", new MGF1ParameterSpec(hash.jcaName()), hash.length(), 1));
      v.initVerify(rsa2048.getPublic());
      v.update(message);
      assertThat(sig).hasSize(256);
      assertThat(v.verify(sig)).as("%s PSS via %s", hash, p).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Curve.class)
  void ecdsa_primaryAndFallback_bothVerify_forEveryHashLength(Curve curve) throws Exception {
    KeyPair kp = new CardCrypto(RANDOM, primary).generateEc(curve);
    for (CryptoProviders p : List.of(primary, FALLBACK)) {
      PreparedKey k = prepare(kp.getPrivate(), p);
      for (int len : new int[] {20, 28, 32, 48, 64}) {
        byte[] hash = new byte[len];
        RANDOM.nextBytes(hash);

        byte[] der = ops(p).ecdsa(k, hash);

        assertThat(verify("NONEwithECDSA", kp.getPublic(), hash, der))
            .as("%s %d-byte hash via %s", curve, len, p)
            .isTrue();
        assertThat(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(der).getEncoded("DER"))
            .as("strict DER")
            .isEqualTo(der);
        assertThat(KeyOperations.legacyOpenScDecodes(der.length, curve.fieldBytes())).isTrue();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Curve.class,
      names = {"SECP256R1", "SECP384R1", "SECP521R1"})
  void ecdh_accpWithRecoveredY_equalsBouncyCastlePointMultiplication(Curve curve)
      throws Exception {
    KeyPair kp = new CardCrypto(RANDOM, primary).generateEc(curve);
    PreparedKey a = prepare(kp.getPrivate(), primary);
    PreparedKey b = prepare(kp.getPrivate(), FALLBACK);
    assertThat(a.provider().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
    BigInteger d = ((ECPrivateKey) kp.getPrivate()).getS();
    for (int i = 0; i < 40; i++) {
      BigInteger k = new BigInteger(curve.x9().getN().bitLength() - 1, RANDOM).add(BigInteger.ONE);
      byte[] peer = curve.x9().getG().multiply(k).normalize().getEncoded(false);

      byte[] x = ops(primary).ecdh(a, peer);
      byte[] y = ops(FALLBACK).ecdh(b, peer);

      byte[] expected = curve.x9().getG().multiply(k.multiply(d)).normalize().getEncoded(false);
      assertThat(x).isEqualTo(expected).isEqualTo(y);
    }
  }

  @Test
  void ecdh_privateKeyNMinusOne_fallsBackToBouncyCastle_andIsRight() throws Exception {
    Curve curve = Curve.SECP256R1;
    BigInteger nMinus1 = curve.x9().getN().subtract(BigInteger.ONE);
    PrivateKey k =
        KeyFactory.getInstance("EC", CryptoProviders.bouncyCastle())
            .generatePrivate(new ECPrivateKeySpec(nMinus1, curve.spec()));
    ECPoint q = curve.x9().getG().multiply(BigInteger.valueOf(77)).normalize();

    byte[] shared = ops(primary).ecdh(prepare(k, primary), q.getEncoded(false));

    assertThat(shared).isEqualTo(q.negate().normalize().getEncoded(false));
  }

  @Test
  void ecdh_peerKeyOne_andPeerEqualToOwnPublicKey_work() throws Exception {
    Curve curve = Curve.SECP384R1;
    KeyPair kp = new CardCrypto(RANDOM, primary).generateEc(curve);
    PreparedKey a = prepare(kp.getPrivate(), primary);
    BigInteger d = ((ECPrivateKey) kp.getPrivate()).getS();
    byte[] g = curve.generatorBytes();
    java.security.spec.ECPoint w = ((ECPublicKey) kp.getPublic()).getW();
    byte[] own =
        curve.x9().getCurve().createPoint(w.getAffineX(), w.getAffineY()).getEncoded(false);

    assertThat(ops(primary).ecdh(a, g)).isEqualTo(own);
    assertThat(ops(primary).ecdh(a, own))
        .isEqualTo(curve.x9().getG().multiply(d.multiply(d)).normalize().getEncoded(false));
  }

  @ParameterizedTest
  @EnumSource(
      value = Curve.class,
      names = {"SECP256K1", "BRAINPOOLP256R1", "SECP192R1"})
  void ecdh_bcCurves_equalPointMultiplication(Curve curve) throws Exception {
    KeyPair kp = new CardCrypto(RANDOM, primary).generateEc(curve);
    BigInteger d = ((ECPrivateKey) kp.getPrivate()).getS();
    byte[] peer = curve.x9().getG().multiply(BigInteger.TEN).normalize().getEncoded(false);

    byte[] shared = ops(primary).ecdh(prepare(kp.getPrivate(), primary), peer);

    assertThat(shared)
        .isEqualTo(curve.x9().getG().multiply(d.multiply(BigInteger.TEN)).normalize().getEncoded(false));
  }

  @Test
  void keysOfOneProvider_decodeAndWorkInTheOther() throws Exception {
    KeyPair accpEc = new CardCrypto(RANDOM, primary).generateEc(Curve.SECP256R1);
    KeyPair bcEc = new CardCrypto(RANDOM, FALLBACK).generateEc(Curve.SECP256R1);
    KeyPair jdkRsa = new CardCrypto(RANDOM, FALLBACK).generateRsa(1024);
    byte[] hash = new byte[32];

    for (KeyPair kp : List.of(accpEc, bcEc)) {
      for (CryptoProviders p : List.of(primary, FALLBACK)) {
        byte[] der = ops(p).ecdsa(prepare(kp.getPrivate(), p), hash);
        assertThat(verify("NONEwithECDSA", kp.getPublic(), hash, der)).isTrue();
      }
    }
    byte[] m = new byte[] {1, 2, 3};
    assertThat(ops(primary).rsaRaw(prepare(jdkRsa.getPrivate(), primary), m))
        .isEqualTo(ops(FALLBACK).rsaRaw(prepare(jdkRsa.getPrivate(), FALLBACK), m));
  }

  @Test
  void cvcSignatures_primaryAndFallback_verifyAsPlainEcdsaAndPkcs1() throws Exception {
    byte[] body = "a CV certificate body".getBytes();
    KeyPair ec = new CardCrypto(RANDOM, primary).generateEc(Curve.SECP521R1);
    for (CryptoProviders p : List.of(primary, FALLBACK)) {
      CardCrypto c = new CardCrypto(RANDOM, p);

      assertThat(verify("SHA256withPLAIN-ECDSA", ec.getPublic(), body, c.signForCvc(ec.getPrivate(), body)))
          .isTrue();
      assertThat(verify("SHA256withRSA", rsa2048.getPublic(), body, c.signForCvc(rsa2048.getPrivate(), body)))
          .isTrue();
    }
  }

  @Test
  void preparedKey_reusedAcrossOperationsAndThreads_staysCorrect() throws Exception {
    KeyPair kp = new CardCrypto(RANDOM, primary).generateEc(Curve.SECP256R1);
    PreparedKey k = prepare(kp.getPrivate(), primary);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    byte[] hash = new byte[32];
                    RANDOM.nextBytes(hash);
                    byte[] der = ops(primary).ecdsa(k, hash);
                    if (!verify("NONEwithECDSA", kp.getPublic(), hash, der)) {
                      return false;
                    }
                    ops(primary).ecdh(k, Curve.SECP256R1.generatorBytes());
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Verifies with BC; ECDSA DER is re-encoded minimally first (a no-op for the card's own DER). */
  static boolean verify(String alg, PublicKey key, byte[] data, byte[] sig) throws Exception {
    Signature v = Signature.getInstance(alg, CryptoProviders.bouncyCastle());
    v.initVerify(key);
    v.update(data);
    return v.verify(alg.equals("NONEwithECDSA") ? minimalDer(sig) : sig);
  }

  static byte[] minimalDer(byte[] der) throws Exception {
    List<Tlv> ints = Tlv.parseFirst(der).children();
    return new DERSequence(
            new ASN1Encodable[] {
              new ASN1Integer(new BigInteger(1, ints.get(0).value())),
              new ASN1Integer(new BigInteger(1, ints.get(1).value()))
            })
        .getEncoded();
  }
}
