package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pkcs11-tool --test} (OpenSC's own PKCS#11 self test) on a card with an RSA and an EC key. */
class PkcsToolSelfTestIT extends InteropTestBase {
  private static final String PIN = "648219";

  @Test
  void pkcs11ToolTest_reportsNoErrors() {
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN));
    OpenSc.ok(OpenSc.keygen(PIN, "rsa:2048", "01", "self-test-rsa"));
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "02", "self-test-ec"));

    Tool.Result r = OpenSc.pkcs11("--test", "--login", "--pin", PIN);
    assertThat(r.exit()).as(r.describe()).isZero();
    List<String> lines = OpenSc.lines(r.stdout());
    assertThat(lines)
        .as(r.describe())
        .containsSubsequence(
            "C_SeedRandom() and C_GenerateRandom():",
            "seems to be OK",
            "Signatures (currently only for RSA)",
            "testing key 0 (self-test-rsa)",
            "all 4 signature functions seem to work",
            "RSA-X-509: OK",
            "RSA-PKCS: OK",
            "SHA256-RSA-PKCS: OK",
            "testing key 1 (self-test-ec) with 1 mechanism -- non-RSA, skipping",
            "Verify (currently only for RSA)",
            "Decryption (currently only for RSA)",
            "RSA-X-509: OK",
            "RSA-PKCS: OK",
            "No errors");
    assertThat(r.output()).as(r.describe()).doesNotContainIgnoringCase("error:")
        .doesNotContain("ERR", "failed");
  }
}
