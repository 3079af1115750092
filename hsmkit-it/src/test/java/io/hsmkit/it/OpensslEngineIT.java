package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OpenSSL 3 with libp11's engine (Debian 12: libengine-pkcs11-openssl) on opensc-pkcs11.so: a CSR
 * and a self-signed certificate made with a card key through a PKCS#11 URI, which {@code openssl
 * req -verify} and {@code openssl verify} accept, and whose public key is the card's. The engine
 * takes its module from {@code PKCS11_MODULE_PATH} and the PIN from {@code pin-source=file:…} in
 * the URI, so the PIN is never on a command line. (Debian 12 has no pkcs11-provider package for
 * OpenSSL's provider interface; the engine is what it ships.)
 */
class OpensslEngineIT extends InteropTestBase {
  private static final String PIN = "648219";

  /** libp11's engine in OpenSSL's engine directory ({@code openssl version -e}). */
  private static Path engine() {
    String dir = Openssl.ok("version", "-e").stdout().replaceAll("(?s).*ENGINESDIR: \"([^\"]*)\".*",
        "$1").strip();
    return Path.of(dir, "pkcs11.so");
  }

  private Map<String, String> env() {
    return Map.of("PKCS11_MODULE_PATH", OpenSc.MODULE);
  }

  private Tool.Result openssl(String... args) {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    return Tool.run(argv, env(), Duration.ofSeconds(60));
  }

  private Tool.Result opensslOk(String... args) {
    Tool.Result r = openssl(args);
    assertThat(r.exit()).as(r.describe()).isZero();
    return r;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"EC:prime256v1, 01, ossl-ec", "rsa:2048, 02, ossl-rsa"})
  void engine_makesACsrAndASelfSignedCertificate_withTheCardKey(String keyType, String id,
      String label) throws Exception {
    Path engine = engine();
    if (!Files.isReadable(engine)) {
      String why = engine + " missing: install libengine-pkcs11-openssl (scripts/install-test-deps.sh)";
      if (Harness.CI) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--label", "Nitrokey"));
    OpenSc.ok(OpenSc.keygen(PIN, keyType, id, label));
    Path cardPub = temp.resolve("card.pem");
    OpenSc.ok(OpenSc.readPublicKeyPem(id, cardPub));
    byte[] cardSpki = Openssl.pemToDer(cardPub);

    Path pinFile = temp.resolve("pin.txt");
    Files.writeString(pinFile, PIN, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-------"));
    String uri = "pkcs11:token=" + OpenSc.tokenLabelUri("Nitrokey") + ";object=" + label
        + ";type=private;pin-source=file:" + pinFile;

    Path csr = temp.resolve("req.pem");
    Tool.Result req = opensslOk("req", "-new", "-engine", "pkcs11", "-keyform", "engine", "-key",
        uri, "-sha256", "-subj", "/CN=" + label + " on the card", "-out", csr.toString());
    assertThat(req.output()).as(req.describe()).contains("Engine \"pkcs11\" set.");
    Tool.Result verifyReq = opensslOk("req", "-in", csr.toString(), "-verify", "-noout");
    assertThat(verifyReq.output()).as(verifyReq.describe())
        .contains("Certificate request self-signature verify OK");
    assertThat(publicKeyOf("req", csr)).isEqualTo(cardSpki);

    Path cert = temp.resolve("cert.pem");
    opensslOk("req", "-new", "-x509", "-days", "30", "-sha256", "-engine", "pkcs11", "-keyform",
        "engine", "-key", uri, "-subj", "/CN=" + label + " self-signed", "-out", cert.toString());
    Tool.Result verifyCert = opensslOk("verify", "-CAfile", cert.toString(), cert.toString());
    assertThat(verifyCert.stdout().strip()).as(verifyCert.describe()).isEqualTo(cert + ": OK");
    assertThat(publicKeyOf("x509", cert)).isEqualTo(cardSpki);
    Tool.Result text = opensslOk("x509", "-in", cert.toString(), "-noout", "-subject");
    assertThat(text.stdout()).contains(label + " self-signed");

    // a wrong PIN in the PIN file: the engine cannot log in and nothing is signed
    Files.writeString(pinFile, "000000", StandardCharsets.US_ASCII);
    Tool.Result wrong = openssl("req", "-new", "-engine", "pkcs11", "-keyform", "engine", "-key",
        uri, "-subj", "/CN=x", "-out", temp.resolve("never.pem").toString());
    assertThat(wrong.exit()).as(wrong.describe()).isNotZero();
    assertThat(Files.exists(temp.resolve("never.pem"))
        && Files.size(temp.resolve("never.pem")) > 0).isFalse();
  }

  /** The DER SubjectPublicKeyInfo in a CSR ({@code req}) or certificate ({@code x509}). */
  private byte[] publicKeyOf(String kind, Path pem) throws Exception {
    Path pub = temp.resolve(pem.getFileName() + ".pub.pem");
    opensslOk(kind, "-in", pem.toString(), "-noout", "-pubkey", "-out", pub.toString());
    return Openssl.pemToDer(pub);
  }
}
