package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Public key authentication through sc-hsm-tool between two served cards of one installation
 * (docs/protocol.md#pka, SECURITY.md "Card identity and PKA trust"): card A in reader 0 is
 * initialized for 1 of 1 keys; card B in reader 1 (a sibling state directory, so the same
 * installation root) generates a key and exports it; card A registers it. The status lines are
 * the ones OpenSC prints (sc-hsm-tool.c {@code print_pka_status()}).
 */
class PublicKeyAuthIT extends InteropTestBase {
  private static List<String> status(int total, int missing, int required, int authenticated) {
    return List.of(
        "Number of public keys:     " + total,
        "Missing public keys:       " + missing,
        "Required pubkeys for auth: " + required,
        "Authenticated public keys: " + authenticated);
  }

  /** The lines after sc-hsm-tool's "Using reader ..." line. */
  private static List<String> statusLines(Tool.Result r) {
    return OpenSc.lines(r.stdout()).stream()
        .filter(l -> !l.startsWith("Using reader") && !l.isEmpty()).toList();
  }

  @Test
  void registerKeyOfCardB_onCardA_statusAsOpenScPrintsIt() throws Exception {
    Tool.Result initA = OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, USER_PIN,
        "--public-key-auth", "1", "--required-pub-keys", "1"));
    assertThat(initA.output()).as(initA.describe()).doesNotContain("failed");
    Tool.Result before = OpenSc.ok(OpenSc.run("sc-hsm-tool", "--public-key-auth-status"));
    assertThat(statusLines(before)).as(before.describe()).isEqualTo(status(1, 1, 1, 0));

    Path cardB = temp.resolve("card-b");
    harness.serve(cardB, Harness.PORT2);
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, USER_PIN, "--reader", "1"));
    Tool.Result gen = harness.hsmkit(Map.of("HSMKIT_PIN", USER_PIN), "--token",
        "pcsc:" + Harness.READER2, "keys", "generate", "--type", "ec:prime256v1", "--id", "01",
        "--label", "custodian");
    assertThat(gen.exit()).as(gen.describe()).isZero();
    Path export = temp.resolve("custodian.pka");
    Tool.Result exp = OpenSc.ok(OpenSc.run("sc-hsm-tool", "--reader", "1",
        "--export-for-pub-key-auth", export.toString(), "--key-reference", "1"));
    assertThat(exp.stderr()).as(exp.describe())
        .contains("Warning: Device certificate chain not verified!");
    assertThat(Files.size(export)).isGreaterThan(500);

    Tool.Result reg = OpenSc.ok(OpenSc.run("sc-hsm-tool", "--reader", "0",
        "--register-public-key", export.toString()));
    assertThat(statusLines(reg)).as(reg.describe()).isEqualTo(status(1, 0, 1, 0));
    Tool.Result after = OpenSc.ok(OpenSc.run("sc-hsm-tool", "--reader", "0",
        "--public-key-auth-status"));
    assertThat(statusLines(after)).as(after.describe()).isEqualTo(status(1, 0, 1, 0));

    // hsmkit authenticates to card A with card B's key, both over PC/SC (the login, and the
    // count, last as long as that connection)
    Tool.Result auth = harness.hsmkit(Map.of("HSMKIT_PIN", USER_PIN), "--token",
        "pcsc:" + Harness.READER, "pka", "authenticate", "--with", "pcsc:" + Harness.READER2,
        "--key-ref", "1");
    assertThat(auth.exit()).as(auth.describe()).isZero();
    assertThat(OpenSc.lines(auth.stdout())).as(auth.describe()).endsWith(
        status(1, 0, 1, 1).toArray(String[]::new));
    Tool.Result later = OpenSc.ok(OpenSc.run("sc-hsm-tool", "--reader", "0",
        "--public-key-auth-status"));
    assertThat(statusLines(later)).as(later.describe()).isEqualTo(status(1, 0, 1, 0));

    // a card without public key authentication: OpenSC's own message for 6D00
    Tool.Result onB = OpenSc.run("sc-hsm-tool", "--reader", "1", "--public-key-auth-status");
    assertThat(onB.stderr()).as(onB.describe())
        .contains("Card not initialized for public key registration");
  }
}
