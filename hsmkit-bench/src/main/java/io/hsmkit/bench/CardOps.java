package io.hsmkit.bench;

import io.hsmkit.apdu.ApduTransport;
import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.crypto.CryptoProviders;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.crypto.HashAlgorithm;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.CvRequests;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Each operation twice, at the same time on two threads (a JMH group): {@link #card} sends the complete command APDU through {@code
 * CardOs.process} of an in-memory card (parse, dispatch, access checks, key lookup, crypto,
 * response encoding, state handling), {@link #raw} does the same cryptographic operation directly
 * with the provider the card picked as the fastest for that key, on the same key, with the JCA
 * object kept initialised (as the card keeps it). {@link BenchMain} prints card / raw.
 *
 * <p>Why concurrently: on a shared machine the load of other tenants changes from second to
 * second, and card and raw measured one after the other (JMH's default) differ by ±30 % for no
 * reason of their own. Running side by side, one thread per core, both see the same load, and
 * their ratio is stable; the absolute figures are those of a two-core machine doing two things.
 *
 * <p>For VERIFY and READ BINARY there is no crypto: their "raw" is the bare work (a constant-time
 * PIN comparison, copying the file), so the ratio shows the APDU overhead itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CardOps {
  static final byte[] PIN = "648219".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SO_PIN = HexFormat.of().parseHex("3537363231383830");
  /** Key reference that key-generation benchmarks overwrite again and again. */
  static final int KEYGEN_REF = 0x40;
  /** Key reference of the AES key of the CIPHER benchmarks. */
  static final int AES_REF = 0x41;

  @Param({
    "sign-ecdsa-p256",
    "sign-ecdsa-p384",
    "sign-ecdsa-secp256k1",
    "sign-rsa-2048",
    "sign-rsa-4096",
    "decipher-rsa-2048",
    "ecdh-p256",
    "verify-pin",
    "read-binary-2f02",
    "keygen-ec-p256",
    "keygen-rsa-2048",
    "aes-cbc-encrypt-1k",
    "aes-cmac-1k"
  })
  public String op;

  CardOs card;
  byte[] apdu;
  RawOp rawOp;
  final SecureRandom random = new SecureRandom();

  /** The raw counterpart of one card operation. */
  @FunctionalInterface
  interface RawOp {
    Object run() throws Exception;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    card = CardOs.inMemory(CardEnvironment.system());
    ApduTransport t = card::process;
    SmartCardHsmSession session = new SmartCardHsmSession(t);
    session.initialize(new InitializeRequest(SO_PIN, PIN, 1, 3, null));
    session.verifyPin(PIN);
    KeyManager km = new KeyManager(session);
    CryptoProviders providers = card.cryptoProviders();
    switch (op) {
      case "sign-ecdsa-p256" -> ecdsa(km, providers, "ec:prime256v1", Curve.SECP256R1);
      case "sign-ecdsa-p384" -> ecdsa(km, providers, "ec:secp384r1", Curve.SECP384R1);
      case "sign-ecdsa-secp256k1" -> ecdsa(km, providers, "ec:secp256k1", Curve.SECP256K1);
      case "sign-rsa-2048" -> rsa(km, providers, 2048, 0x68, 0x20);
      case "sign-rsa-4096" -> rsa(km, providers, 4096, 0x68, 0x20);
      case "decipher-rsa-2048" -> rsa(km, providers, 2048, 0x62, 0x21);
      case "ecdh-p256" -> ecdh(km, providers);
      case "verify-pin" -> {
        apdu = new CommandApdu(0x00, 0x20, 0x00, 0x81, PIN, -1).toBytes();
        byte[] stored = PIN.clone();
        rawOp = () -> MessageDigest.isEqual(stored, PIN);
      }
      case "read-binary-2f02" -> {
        apdu =
            new CommandApdu(0x00, 0xB1, 0x2F, 0x02, new byte[] {0x54, 0x02, 0, 0}, 65536, true)
                .toBytes();
        byte[] file = card.state().file(0x2F02);
        rawOp = () -> Arrays.copyOfRange(file, 0, file.length);
      }
      case "keygen-ec-p256" -> {
        apdu = keygenApdu(km, "ec:prime256v1");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", providers.ec(Curve.SECP256R1));
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        rawOp = g::generateKeyPair;
      }
      case "keygen-rsa-2048" -> {
        apdu = keygenApdu(km, "rsa:2048");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", providers.rsa());
        g.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), random);
        rawOp = g::generateKeyPair;
      }
      case "aes-cbc-encrypt-1k" -> aes(providers, 0x10);
      case "aes-cmac-1k" -> aes(providers, 0x18);
      default -> throw new IllegalArgumentException("unknown op " + op);
    }
    // Both sides must work before they are timed.
    check(card.process(apdu));
    rawOp.run();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    card.close();
  }

  @Benchmark
  @Group("pair")
  @GroupThreads(1)
  public byte[] card() {
    return card.process(apdu);
  }

  @Benchmark
  @Group("pair")
  @GroupThreads(1)
  public Object raw() throws Exception {
    return rawOp.run();
  }

  // ---- set-up of each operation ----

  private void ecdsa(KeyManager km, CryptoProviders providers, String spec, Curve curve)
      throws Exception {
    int ref = generate(km, spec);
    byte[] hash = MessageDigest.getInstance("SHA-256").digest("benchmark".getBytes());
    apdu = new CommandApdu(0x80, 0x68, ref, 0x70, hash, 512, true).toBytes();
    Provider p = providers.ec(curve);
    Signature s = Signature.getInstance("NONEwithECDSA", p);
    s.initSign(key(ref, "EC", p), random);
    rawOp =
        () -> {
          s.update(hash);
          return s.sign();
        };
  }

  private void rsa(KeyManager km, CryptoProviders providers, int bits, int ins, int algorithm)
      throws Exception {
    int ref = generate(km, "rsa:" + bits);
    int k = bits / 8;
    // An EMSA-PKCS1-v1_5 block as OpenSC pads it for algorithm 20 (and a ciphertext-sized number
    // for DECIPHER): the same bytes for card and raw.
    byte[] digestInfo =
        HashAlgorithm.SHA256.digestInfo(HashAlgorithm.SHA256.digest("benchmark".getBytes()));
    byte[] block = new byte[k];
    block[1] = 0x01;
    Arrays.fill(block, 2, k - digestInfo.length - 1, (byte) 0xFF);
    System.arraycopy(digestInfo, 0, block, k - digestInfo.length, digestInfo.length);
    if (ins == 0x62) {
      RSAPublicKey pub = (RSAPublicKey) publicKey(ref);
      block = leftPad(new BigInteger(1, block).modPow(pub.getPublicExponent(), pub.getModulus()), k);
    }
    apdu = new CommandApdu(0x80, ins, ref, algorithm, block, 65536, true).toBytes();
    Cipher c = Cipher.getInstance("RSA/ECB/NoPadding", providers.rsaCipher());
    c.init(Cipher.DECRYPT_MODE, key(ref, "RSA", providers.rsa()), random);
    byte[] input = block;
    rawOp = () -> c.doFinal(input);
  }

  private void ecdh(KeyManager km, CryptoProviders providers) throws Exception {
    int ref = generate(km, "ec:prime256v1");
    Curve curve = Curve.SECP256R1;
    org.bouncycastle.math.ec.ECPoint q =
        curve.x9().getG().multiply(new BigInteger(250, random)).normalize();
    byte[] peer = q.getEncoded(false);
    apdu = new CommandApdu(0x80, 0x62, ref, 0x80, peer, 512, true).toBytes();
    Provider p = providers.ec(curve);
    PrivateKey d = key(ref, "EC", p);
    KeyFactory kf = KeyFactory.getInstance("EC", p);
    KeyAgreement ka = KeyAgreement.getInstance("ECDH", p);
    ka.init(d, random);
    var params = ((ECPrivateKey) d).getParams();
    int n = curve.fieldBytes();
    // From the same bytes the card gets: decode the point, make the peer key, agree (x only).
    rawOp =
        () -> {
          BigInteger x = new BigInteger(1, Arrays.copyOfRange(peer, 1, 1 + n));
          BigInteger y = new BigInteger(1, Arrays.copyOfRange(peer, 1 + n, 1 + 2 * n));
          PublicKey pk = kf.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
          ka.doPhase(pk, true);
          return ka.generateSecret();
        };
  }

  /**
   * CIPHER (80 78) of 1 KiB with an AES-256 key the card generated (docs/protocol.md#cipher): CBC
   * encryption with the card's zero IV, or CMAC. Raw: the same key and bytes through a JCA object
   * kept initialised, AES-CBC on ACCP when the card's other rows use it (else the JDK), CMAC on
   * Bouncy Castle's JCA {@code AESCMAC} (ACCP has no CMAC).
   */
  private void aes(CryptoProviders providers, int algorithm) throws Exception {
    int ref = AES_REF;
    check(card.process(new CommandApdu(0x00, 0x48, ref, 0xB2, new byte[0], -1).toBytes()));
    byte[] data = new byte[1024];
    random.nextBytes(data);
    apdu = new CommandApdu(0x80, 0x78, ref, algorithm, data, 65536, true).toBytes();
    javax.crypto.spec.SecretKeySpec key =
        new javax.crypto.spec.SecretKeySpec(card.privateKeyPkcs8(ref), "AES");
    if (algorithm == 0x18) {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("AESCMAC", CryptoProviders.bouncyCastle());
      mac.init(key);
      rawOp = () -> mac.doFinal(data);
    } else {
      Cipher c = providers.usesAccp()
          ? Cipher.getInstance("AES/CBC/NoPadding", CryptoProviders.accpIfAvailable().orElseThrow())
          : Cipher.getInstance("AES/CBC/NoPadding");
      javax.crypto.spec.IvParameterSpec iv = new javax.crypto.spec.IvParameterSpec(new byte[16]);
      c.init(Cipher.ENCRYPT_MODE, key, iv);
      rawOp = () -> c.doFinal(data);
    }
  }

  private byte[] keygenApdu(KeyManager km, String spec) throws Exception {
    byte[] body = CvRequests.gakpBody(KeySpec.parse(spec), km.serial() + "00001");
    return new CommandApdu(0x00, 0x46, KEYGEN_REF, 0x00, body, 65536, true).toBytes();
  }

  private static int generate(KeyManager km, String spec) throws Exception {
    KeyInfo k = km.generate(KeySpec.parse(spec), null, "bench");
    return k.keyRef();
  }

  /** The key in clear for the raw-crypto baseline: sealed at rest, so only while logged in. */
  private PrivateKey key(int ref, String type, Provider p) throws Exception {
    return KeyFactory.getInstance(type, p).generatePrivate(new PKCS8EncodedKeySpec(card.privateKeyPkcs8(ref)));
  }

  private PublicKey publicKey(int ref) throws Exception {
    KeyRecord r = card.state().key(ref);
    return KeyFactory.getInstance("RSA")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(r.publicKey()));
  }

  private static byte[] leftPad(BigInteger v, int k) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[k];
    int n = Math.min(b.length, k);
    System.arraycopy(b, b.length - n, out, k - n, n);
    return out;
  }

  static void check(byte[] response) {
    int sw = ((response[response.length - 2] & 0xFF) << 8) | (response[response.length - 1] & 0xFF);
    if (sw != 0x9000) {
      throw new IllegalStateException("card answered " + Integer.toHexString(sw));
    }
  }
}
