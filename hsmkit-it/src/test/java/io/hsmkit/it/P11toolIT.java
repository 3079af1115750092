package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * GnuTLS's {@code p11tool} (Debian: gnutls-bin) on opensc-pkcs11.so lists the card's keys and
 * certificates: public objects without login, private keys too with {@code --login} and the PIN in
 * {@code GNUTLS_PIN} (not on the command line).
 */
class P11toolIT extends InteropTestBase {
  private static final String PIN = "648219";

  private static Tool.Result p11tool(Map<String, String> env, String... args) {
    List<String> argv = new ArrayList<>(List.of("p11tool", "--provider", OpenSc.MODULE));
    argv.addAll(List.of(args));
    return Tool.run(argv, env, Duration.ofSeconds(60));
  }

  @Test
  void listAll_namesTheKeysAndCertificates() {
    if (!Tool.onPath("p11tool")) {
      String why = "p11tool not installed (gnutls-bin; scripts/install-test-deps.sh installs it)";
      if (Harness.CI) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--label", "Nitrokey"));
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "01", "p11-ec"));
    OpenSc.ok(OpenSc.keygen(PIN, "rsa:2048", "02", "p11-rsa"));
    // a certificate for the EC key, stored on the card the way OpenSC does (hsmkit ca init)
    Tool.Result ca = harness.hsmkit(Map.of("HSMKIT_PIN", PIN), "--token", "pcsc", "ca", "init",
        "--key-id", "01", "--subject", "CN=p11tool test CA");
    assertThat(ca.exit()).as(ca.describe()).isZero();

    Tool.Result tokens = p11tool(Map.of(), "--list-tokens");
    assertThat(tokens.exit()).as(tokens.describe()).isZero();
    assertThat(OpenSc.lines(tokens.stdout())).as(tokens.describe())
        .contains("Label: " + OpenSc.tokenLabel("Nitrokey"), "Manufacturer: www.CardContact.de",
            "Serial: " + serial);

    Tool.Result pub = p11tool(Map.of(), "--list-all");
    assertThat(pub.exit()).as(pub.describe()).isZero();
    assertThat(OpenSc.lines(pub.stdout())).as(pub.describe())
        .contains("Type: Public key (EC/ECDSA-SECP256R1)", "Type: Public key (RSA-2048)",
            "Label: p11-ec", "Label: p11-rsa")
        .noneMatch(l -> l.startsWith("Type: Private key"));
    assertThat(pub.stdout()).as(pub.describe()).contains("Type: X.509 Certificate");

    Tool.Result all = p11tool(Map.of("GNUTLS_PIN", PIN), "--login", "--list-all");
    assertThat(all.exit()).as(all.describe()).isZero();
    List<String> lines = OpenSc.lines(all.stdout());
    assertThat(lines).as(all.describe())
        .contains("Type: Private key (EC/ECDSA-SECP256R1)", "Type: Private key (RSA-2048)",
            "Type: Public key (EC/ECDSA-SECP256R1)", "Type: Public key (RSA-2048)",
            "Label: p11-ec", "Label: p11-rsa", "ID: 01", "ID: 02");
    assertThat(all.stdout()).as(all.describe())
        .contains("serial=" + serial + ";token=" + OpenSc.tokenLabelUri("Nitrokey")
            + ";id=%01;object=p11-ec;type=private")
        .contains("Type: X.509 Certificate");

    Tool.Result certs = p11tool(Map.of(), "--list-all-certs");
    assertThat(certs.exit()).as(certs.describe()).isZero();
    assertThat(certs.stdout()).as(certs.describe()).contains("Type: X.509 Certificate")
        .contains("ID: 01").doesNotContain("ID: 02");

    Tool.Result wrong = p11tool(Map.of("GNUTLS_PIN", "000000"), "--login", "--list-privkeys");
    assertThat(wrong.output()).as(wrong.describe()).doesNotContain("Type: Private key");
  }
}
