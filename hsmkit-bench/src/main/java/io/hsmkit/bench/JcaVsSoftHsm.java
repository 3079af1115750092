package io.hsmkit.bench;

import io.hsmkit.jca.HsmKeyGenParameterSpec;
import io.hsmkit.jca.SmartCardHsmProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;

/**
 * hsmkit's JCA provider on an embedded (emulated) token against SoftHSMv2 through the JDK's own
 * PKCS#11 provider (SunPKCS11), in one JVM, alternating which goes first each round: the
 * "JCA provider ≥ 1.0× / 1.5× SoftHSMv2" targets (BENCHMARKS.md, Targets). Same message (256 bytes), keys of
 * the same types (P-256, RSA-2048), SHA256withECDSA and SHA256withRSA.
 *
 * <p>Usage: {@code JcaVsSoftHsm TOKEN_DIR SOFTHSM_MODULE ROUNDS SECONDS}, the PIN of both in
 * {@code P11BENCH_PIN}; SoftHSMv2's configuration comes from {@code SOFTHSM2_CONF}. Prints
 * {@code J<TAB>alg<TAB>side<TAB>round<TAB>n<TAB>median_ns} lines.
 */
public final class JcaVsSoftHsm {
  private JcaVsSoftHsm() {}

  public static void main(String[] args) throws Exception {
    Path token = Path.of(args[0]);
    String module = args[1];
    int rounds = Integer.parseInt(args[2]);
    double seconds = Double.parseDouble(args[3]);
    char[] pin = System.getenv("P11BENCH_PIN").toCharArray();
    byte[] msg = new byte[256];
    for (int i = 0; i < msg.length; i++) {
      msg[i] = (byte) (i * 7 + 1);
    }

    SmartCardHsmProvider hsmkit = new SmartCardHsmProvider("emulated:" + token);
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", hsmkit);
    ks.load(null, pin);
    PrivateKey hEc = generate(hsmkit, "EC", new HsmKeyGenParameterSpec("jca-ec", new byte[] {0x31},
        new ECGenParameterSpec("secp256r1")));
    PrivateKey hRsa = generate(hsmkit, "RSA", new HsmKeyGenParameterSpec("jca-rsa", new byte[] {0x32},
        new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4)));

    Path conf = Files.createTempFile("sunpkcs11-softhsm", ".cfg");
    Files.writeString(conf, "name = softhsm\nlibrary = " + module + "\nslotListIndex = 0\n",
        StandardCharsets.US_ASCII);
    Provider soft = Security.getProvider("SunPKCS11").configure(conf.toString());
    Files.delete(conf);
    KeyStore sks = KeyStore.getInstance("PKCS11", soft);
    sks.load(null, pin);
    KeyPairGenerator eg = KeyPairGenerator.getInstance("EC", soft);
    eg.initialize(new ECGenParameterSpec("secp256r1"));
    PrivateKey sEc = eg.generateKeyPair().getPrivate();
    KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA", soft);
    rg.initialize(2048);
    PrivateKey sRsa = rg.generateKeyPair().getPrivate();

    Object[][] cases = {
      {"jca-sha256-ecdsa-p256", "SHA256withECDSA", hEc, sEc},
      {"jca-sha256-rsa-pkcs-2048", "SHA256withRSA", hRsa, sRsa},
    };
    for (Object[] c : cases) { // warm-up: JIT both paths before the first timed round
      sign(hsmkit, (String) c[1], (PrivateKey) c[2], msg, 1.0);
      sign(soft, (String) c[1], (PrivateKey) c[3], msg, 1.0);
    }
    for (int r = 0; r < rounds; r++) {
      for (Object[] c : cases) {
        boolean hsmkitFirst = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
          boolean h = (k == 0) == hsmkitFirst;
          long[] t = sign(h ? hsmkit : soft, (String) c[1], (PrivateKey) c[h ? 2 : 3], msg, seconds);
          System.out.printf("J\t%s\t%s\t%d\t%d\t%d%n", c[0], h ? "hsmkit-jca" : "softhsm-sunpkcs11",
              r, t.length, median(t));
        }
      }
    }
    hsmkit.close();
  }

  private static PrivateKey generate(Provider p, String alg, HsmKeyGenParameterSpec spec)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(alg, p);
    g.initialize(spec);
    return g.generateKeyPair().getPrivate();
  }

  /** Signs for about {@code seconds}; the latency of each signature in ns. */
  private static long[] sign(Provider p, String alg, PrivateKey key, byte[] msg, double seconds)
      throws Exception {
    Signature s = Signature.getInstance(alg, p);
    long budget = (long) (seconds * 1e9);
    long[] t = new long[1 << 16];
    int n = 0;
    long spent = 0;
    while (n < t.length && (n == 0 || spent < budget)) {
      long t0 = System.nanoTime();
      s.initSign(key);
      s.update(msg);
      s.sign();
      t[n] = System.nanoTime() - t0;
      spent += t[n++];
    }
    return Arrays.copyOf(t, n);
  }

  private static long median(long[] t) {
    long[] s = t.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
