package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Seed runbook 004 (python-pkcs11's SmartCard-HSM guide) with Debian's PyKCS11 on
 * opensc-pkcs11.so: the script {@code python/seed004_pykcs11.py} decrypts locally encrypted data
 * with an RSA-2048 key and, on the guide's eight curves, signs with ECDSA_SHA1 (verified locally)
 * and derives ECDH secrets equal to the local computation.
 */
class PythonPkcs11IT extends InteropTestBase {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String PIN = "648219";
  private static final List<String> CURVES = List.of("secp192r1", "secp256r1", "brainpoolP192r1",
      "brainpoolP224r1", "brainpoolP256r1", "brainpoolP320r1", "secp192k1", "secp256k1");

  @Test
  void seed004_rsaDecrypt_ecdsaSha1_ecdh_onTheGuidesCurves() throws Exception {
    Tool.Result probe = Tool.run(List.of(PYTHON, "-c", "import PyKCS11, cryptography"));
    if (probe.exit() != 0) {
      String why = "python3-pykcs11 / python3-cryptography not importable by " + PYTHON
          + " (scripts/install-test-deps.sh installs them)";
      if (Harness.CI) {
        fail(why + "\n" + probe.describe());
      }
      Assumptions.abort(why);
    }
    Tool.Result init = OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--label", "Nitrokey"));
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");

    URL script = PythonPkcs11IT.class.getResource("python/seed004_pykcs11.py");
    assertThat(script).isNotNull();
    Tool.Result r = Tool.run(List.of(PYTHON, Path.of(script.toURI()).toString()),
        Map.of("PKCS11_MODULE", OpenSc.MODULE, "PKCS11_PIN", PIN), Duration.ofMinutes(3));
    List<String> lines = OpenSc.lines(r.stdout());
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(lines).as(r.describe()).noneMatch(l -> l.startsWith("FAIL"));

    List<String> expected = new ArrayList<>();
    expected.add("OK token " + java.util.regex.Pattern.quote(OpenSc.tokenLabel("Nitrokey"))
        + " / www\\.CardContact\\.de");
    expected.add("OK rsa-2048 RSA_PKCS decrypt of locally encrypted data");
    for (String c : CURVES) {
      int field = c.contains("192") ? 24 : c.contains("224") ? 28 : c.contains("320") ? 40 : 32;
      expected.add("OK " + c + " keygen \\(EC_POINT " + (1 + 2 * field) + " bytes\\)");
      expected.add("OK " + c + " ECDSA_SHA1 verified with (cryptography|openssl)");
      expected.add("OK " + c + " ECDH1_DERIVE matches (cryptography|openssl)");
    }
    expected.add("ALL OK");
    assertThat(lines).as(r.describe()).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(lines.get(i)).as(r.describe()).matches(expected.get(i));
    }

    // the keys are token objects on the card, as the guide says
    Tool.Result dump = OpenSc.ok("pkcs15-tool", "--dump", "--pin", PIN);
    assertThat(OpenSc.dumpBlock(dump.stdout(), "Private RSA Key [My RSA Keypair]"))
        .as(dump.describe()).contains("ModLength      : 2048");
    for (String c : CURVES) {
      assertThat(dump.stdout()).as(dump.describe()).contains("Private EC Key [My EC Keypair " + c
          + "]");
    }
  }
}
