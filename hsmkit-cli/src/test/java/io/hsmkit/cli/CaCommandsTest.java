package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The XCA runbook's CA workflow on the embedded token, checked with openssl and Java PKIX. */
class CaCommandsTest {
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = CliRunner.initialized(home, "648219", "--label", "CA");
  }

  X509Certificate cert(Path p) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(p)));
  }

  @Test
  void caInit_csr_caSign_issuedCertificatesVerify() throws Exception {
    for (String[] kind : new String[][] {{"01", "rsa:2048"}, {"02", "ec:secp384r1"}}) {
      cli.ok("keys", "generate", "--type", kind[1], "--id", kind[0], "--label", "ca-" + kind[0]);
    }
    cli.ok("keys", "generate", "--type", "ec:prime256v1", "--id", "10", "--label", "server");
    for (String caId : new String[] {"01", "02"}) {
      Path caPem = home.resolve("ca" + caId + ".pem");
      cli.ok("ca", "init", "--key-id", caId, "--subject", "CN=Test Root " + caId + ",O=hsmkit",
          "--out", caPem.toString());
      cli.ok("cert", "export", "--key-id", caId, "--out", home.resolve("exported" + caId + ".pem").toString());
      assertThat(Files.readString(home.resolve("exported" + caId + ".pem"))).isEqualTo(Files.readString(caPem));

      Path csr = home.resolve("server" + caId + ".csr");
      cli.ok("csr", "--key-id", "10", "--subject", "CN=server.example", "--out", csr.toString());
      Path issued = home.resolve("server" + caId + ".pem");
      cli.ok("ca", "sign", csr.toString(), "--key-id", caId, "--days", "30", "--profile", "server",
          "--out", issued.toString());

      X509Certificate ca = cert(caPem);
      X509Certificate leaf = cert(issued);
      assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
      assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
      assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
      assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=server.example");
      leaf.verify(ca.getPublicKey());

      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);

      Process p = new ProcessBuilder("openssl", "verify", "-CAfile", caPem.toString(), issued.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out).as("openssl verify").contains(": OK");
      assertThat(p.exitValue()).isZero();
    }
    String list = cli.ok("cert", "list").out();
    assertThat(list).contains("CN=Test Root 01").contains("CN=Test Root 02");
  }

  @Test
  void serials_neverRepeat() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:prime256v1", "--id", "01");
    cli.ok("ca", "init", "--key-id", "01", "--subject", "CN=Root");
    cli.ok("keys", "generate", "--type", "ec:prime256v1", "--id", "02");
    Path csr = home.resolve("c.csr");
    cli.ok("csr", "--key-id", "02", "--subject", "CN=client", "--out", csr.toString());
    java.util.Set<java.math.BigInteger> serials = new java.util.HashSet<>();
    for (int i = 0; i < 20; i++) {
      Path out = home.resolve("c" + i + ".pem");
      cli.ok("ca", "sign", csr.toString(), "--key-id", "01", "--profile", "client", "--out", out.toString());
      serials.add(cert(out).getSerialNumber());
    }
    assertThat(serials).hasSize(20);
  }

  @Test
  void certImport_refusesACertificateOfAnotherKey() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:prime256v1", "--id", "01");
    cli.ok("keys", "generate", "--type", "ec:prime256v1", "--id", "02");
    Path ca = home.resolve("ca.pem");
    cli.ok("ca", "init", "--key-id", "01", "--subject", "CN=Root", "--out", ca.toString());
    CliRunner.Result r = cli.run("cert", "import", "--key-id", "02", ca.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("not the public key");
    CliRunner.Result noCa = cli.run("ca", "sign", ca.toString(), "--key-id", "02");
    assertThat(noCa.exit()).isEqualTo(2); // a certificate is not a CSR
  }

  /**
   * --san DNS:…,IP:… goes into the certificate; a server profile without one
   * takes a DNS name from a host-name CN; a CN that is no host name gets none; an empty CSR file
   * is a plain usage error.
   */
  @Test
  void caSign_san_explicitAndDefaultFromTheCn() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "10");
    cli.ok("ca", "init", "--key-id", "01", "--subject", "CN=Root");
    Path csr = home.resolve("s.csr");
    cli.ok("csr", "--key-id", "10", "--subject", "CN=web.example", "--out", csr.toString());

    Path explicit = home.resolve("explicit.pem");
    cli.ok("ca", "sign", csr.toString(), "--key-id", "01", "--san", "DNS:a.example,IP:192.0.2.7",
        "--san", "IP:2001:db8::1", "--out", explicit.toString());
    assertThat(cert(explicit).getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
        .containsExactly("a.example", "192.0.2.7", "2001:db8:0:0:0:0:0:1");

    Path dflt = home.resolve("default.pem");
    cli.ok("ca", "sign", csr.toString(), "--key-id", "01", "--out", dflt.toString());
    assertThat(cert(dflt).getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
        .containsExactly("web.example");

    Path person = home.resolve("p.csr");
    cli.ok("csr", "--key-id", "10", "--subject", "CN=Jane Doe", "--out", person.toString());
    Path none = home.resolve("none.pem");
    cli.ok("ca", "sign", person.toString(), "--key-id", "01", "--out", none.toString());
    assertThat(cert(none).getSubjectAlternativeNames()).isNull();

    CliRunner.Result bad = cli.run("ca", "sign", csr.toString(), "--key-id", "01", "--san", "IP:300.1.1.1");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("IP:300.1.1.1");
    Path empty = home.resolve("empty.csr");
    Files.write(empty, new byte[0]);
    CliRunner.Result e = cli.run("ca", "sign", empty.toString(), "--key-id", "01");
    assertThat(e.exit()).isEqualTo(2);
    assertThat(e.err()).contains("is empty").doesNotContain("constructor");
  }
}
