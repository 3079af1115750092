package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JDK's {@code jarsigner} signs a jar with a key on an emulated token, loading the provider
 * with {@code -J-cp JARS -providerClass … -providerArg emulated:DIR} (jarsigner has no {@code -providerpath}) and the PIN from the
 * environment ({@code -storepass:env}), never from argv; {@code jarsigner -verify} and {@link
 * JarFile} then accept the signature and name the card's certificate. Subprocesses, like {@link
 * KeytoolTest}; excluded with {@code -DexcludedGroups=keytool}.
 */
@Tag("keytool")
class JarsignerTest {
  private static final String PIN_VARIABLE = "HSMKIT_STOREPASS";

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ec:secp256r1, SHA256withECDSA, EC", "rsa:2048, SHA256withRSA, RSA"})
  void jarsigner_signsWithTheCardKey_andVerifyAcceptsIt(String keySpec, String certAlgorithm,
      String blockSuffix, @TempDir Path dir) throws Exception {
    Path jarsigner = Path.of(System.getProperty("java.home"), "bin", "jarsigner");
    assumeTrue(Files.isExecutable(jarsigner), "no jarsigner in java.home");
    Path token = dir.resolve("token");
    X509Certificate cert = prepareSigningKey(token, keySpec, certAlgorithm, "code-signing");
    Path jar = writeJar(dir.resolve("app.jar"));

    Result sign = jarsigner(jarsigner, token, TestCard.PIN_TEXT, jar.toString(),
        "code-signing");
    assertThat(sign.exit).as(sign.output).isZero();
    assertThat(sign.output).contains("jar signed.").doesNotContain(TestCard.PIN_TEXT);

    Result verify = run(jarsigner, null, List.of("-verify", "-verbose", "-certs", jar.toString()));
    assertThat(verify.exit).as(verify.output).isZero();
    assertThat(verify.output).contains("jar verified.").contains("CN=hsmkit code signing");

    // independently of jarsigner: the JDK's jar verification names the card's certificate
    try (JarFile jf = new JarFile(jar.toFile(), true)) {
      assertThat(jf.getEntry("META-INF/CODE-SIG.SF")).isNotNull();
      assertThat(jf.getEntry("META-INF/CODE-SIG." + blockSuffix)).isNotNull();
      JarEntry e = jf.getJarEntry("hello.txt");
      try (InputStream in = jf.getInputStream(e)) {
        in.readAllBytes(); // signers are known once the entry was read
      }
      CodeSigner[] signers = e.getCodeSigners();
      assertThat(signers).hasSize(1);
      assertThat(signers[0].getSignerCertPath().getCertificates().get(0)).isEqualTo(cert);
    }

    // a tampered entry is refused by the verifier
    Path tampered = writeJar(dir.resolve("tampered.jar"), jar, "hello, changed");
    Result bad = run(jarsigner, null, List.of("-verify", tampered.toString()));
    assertThat(bad.exit).as(bad.output).isNotZero();
    assertThat(bad.output).contains("SHA-256 digest error for hello.txt");

    Result wrongPin = jarsigner(jarsigner, token, "000000", jar.toString(),
        "code-signing");
    assertThat(wrongPin.exit).isNotZero();
    assertThat(wrongPin.output).contains("2 tries left").doesNotContain("000000");
  }

  /**
   * Initializes a token in {@code dir}, generates a key on it and stores a self-signed code-signing
   * certificate (signed on the card through the provider) in its {@code CExx}; releases the token.
   */
  static X509Certificate prepareSigningKey(Path dir, String keySpec, String certAlgorithm,
      String label) throws Exception {
    try (Token t = Token.open(TokenSpec.parse("emulated:" + dir))) {
      var s = t.session();
      s.select();
      s.initialize(new InitializeRequest(TestCard.SO_PIN, TestCard.pinBytes(), 1, 3, null));
      s.verifyPin(TestCard.pinBytes());
      new KeyManager(s).generate(KeySpec.parse(keySpec), new byte[] {1}, label);
    }
    SmartCardHsmProvider p = new SmartCardHsmProvider("emulated:" + dir);
    try {
      KeyStore ks = TestCard.loadedKeyStore(p);
      PrivateKey key = TestCard.key(ks, label);
      PublicKey pub = ((HsmPrivateKey) key).publicKey();
      Date now = new Date();
      X500Name name = new X500Name("CN=hsmkit code signing");
      var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.getTime()),
          new Date(now.getTime() - 60_000), new Date(now.getTime() + 86_400_000L), name, pub);
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(certAlgorithm).setProvider(p).build(key)));
      cert.verify(pub);
      ks.setKeyEntry(label, key, null, new Certificate[] {cert});
      return cert;
    } finally {
      p.close();
    }
  }

  private static Path writeJar(Path jar) throws IOException {
    return writeJar(jar, null, "hello from a signed jar");
  }

  /** A jar with hello.txt; with {@code signed}, its signature files copied and hello.txt changed. */
  private static Path writeJar(Path jar, Path signed, String hello) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().putValue("Manifest-Version", "1.0");
    Map<String, byte[]> meta = new java.util.LinkedHashMap<>();
    if (signed != null) {
      try (JarFile jf = new JarFile(signed.toFile(), false)) {
        mf = jf.getManifest();
        for (var e : java.util.Collections.list(jf.entries())) {
          if (e.getName().startsWith("META-INF/CODE-SIG.")) {
            meta.put(e.getName(), jf.getInputStream(e).readAllBytes());
          }
        }
      }
    }
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, mf)) {
      for (var e : meta.entrySet()) {
        j.putNextEntry(new JarEntry(e.getKey()));
        j.write(e.getValue());
        j.closeEntry();
      }
      j.putNextEntry(new JarEntry("hello.txt"));
      j.write(hello.getBytes(StandardCharsets.UTF_8));
      j.closeEntry();
    }
    return jar;
  }

  record Result(int exit, String output) {}

  /**
   * {@code jarsigner} with the provider options and the PIN only in the environment; the
   * signature file name CODE-SIG comes from the alias, as jarsigner does by default.
   */
  static Result jarsigner(Path jarsigner, Path token, String pin, String... args)
      throws IOException, InterruptedException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(
        "-J-cp", "-J" + cp,
        "-keystore", "NONE", "-storetype", "SmartCardHSM",
        "-providerClass", SmartCardHsmProvider.class.getName(),
        "-providerArg", "emulated:" + token,
        "-storepass:env", PIN_VARIABLE));
    cmd.addAll(List.of(args));
    return run(jarsigner, pin, cmd);
  }

  private static Result run(Path jarsigner, String pin, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(jarsigner.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (pin != null) {
      pb.environment().put(PIN_VARIABLE, pin);
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("jarsigner did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
