package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An AES key's secret key description ({@code A8} in {@code C4xx}, docs/protocol.md#secret-key-description)
 * next to EC and RSA keys on the served card: OpenSC has no secret-key support for this card, skips
 * the description it cannot decode and still binds, lists the other keys and signs with them; the
 * AES key itself works through {@code hsmkit --token pcsc}.
 */
class AesKeysIT extends InteropTestBase {
  @Test
  void openSc_bindsAndListsTheOtherKeys_withAnAesKeyOnTheCard() throws Exception {
    harness.awaitCard();
    env.put("HSMKIT_SO_PIN", SO_PIN);
    env.put("HSMKIT_PIN", USER_PIN);
    pcsc("init", "--no-dkek");
    pcsc("keys", "generate", "--type", "ec:prime256v1", "--id", "01", "--label", "node");
    pcsc("keys", "generate", "--type", "aes:256", "--id", "02", "--label", "vault");
    pcsc("keys", "generate", "--type", "rsa:1024", "--id", "03", "--label", "rsa");
    assertThat(pcsc("keys", "list").stdout())
        .containsPattern("2\\s+02\\s+vault\\s+AES-256\\s+256");

    Tool.Result dump = OpenSc.ok(OpenSc.pkcs15Dump());
    assertThat(dump.stdout()).contains("node").contains("rsa").doesNotContain("vault");
    Tool.Result objects = OpenSc.ok(OpenSc.pkcs11("--login", "--pin", USER_PIN, "--list-objects"));
    assertThat(objects.stdout()).contains("node").contains("rsa").doesNotContain("vault");
    // and the EC key still signs through OpenSC
    Path msg = temp.resolve("msg");
    Files.writeString(msg, "signed next to an AES key");
    Path sig = temp.resolve("sig");
    OpenSc.ok(OpenSc.sign(USER_PIN, "ECDSA-SHA256", "01", msg, sig));
    assertThat(Files.size(sig)).isPositive();

    // the AES key through hsmkit over PC/SC
    Path block = temp.resolve("block");
    Files.write(block, new byte[32]);
    Path enc = temp.resolve("enc");
    Path dec = temp.resolve("dec");
    String iv = "000102030405060708090a0b0c0d0e0f";
    pcsc("encrypt", "--id", "02", "--iv", iv, "--in", block.toString(), "--out", enc.toString());
    pcsc("decrypt", "--id", "02", "--mechanism", "aes-cbc", "--iv", iv, "--in", enc.toString(),
        "--out", dec.toString());
    assertThat(Files.readAllBytes(dec)).isEqualTo(new byte[32]);
    assertThat(pcsc("mac", "--id", "02", "--in", block.toString()).stdout().trim())
        .matches("[0-9a-f]{32}");
  }

  /**
   * sc-hsm-tool carries an AES key: {@code --wrap-key} writes the type-0F blob with the A8
   * description into its file, and {@code --unwrap-key --force} puts both back; the key keeps its
   * label and gives the same CMAC as before.
   */
  @Test
  void scHsmTool_wrapsAndUnwrapsAnAesKey() throws Exception {
    harness.awaitCard();
    env.put("HSMKIT_SO_PIN", SO_PIN);
    env.put("HSMKIT_PIN", USER_PIN);
    env.put("HSMKIT_DKEK_PASSWORD", "share password for the AES run");
    pcsc("init", "--dkek-shares", "1");
    Path share = temp.resolve("share.pbe");
    harness.hsmkit(env, "dkek", "create", share.toString());
    pcsc("dkek", "import", share.toString());
    pcsc("keys", "generate", "--type", "aes:192", "--id", "07", "--label", "carried");
    Path msg = temp.resolve("msg");
    Files.writeString(msg, "the same MAC after the round trip");
    String before = pcsc("mac", "--id", "07", "--in", msg.toString()).stdout().trim();

    Path file = temp.resolve("aes.bin");
    OpenSc.ok(OpenSc.scHsmWrapKey(file, 1, USER_PIN));
    pcsc("keys", "delete", "--key-ref", "1", "--force");
    assertThat(pcsc("keys", "list").stdout()).contains("No keys.");
    OpenSc.unwrapOk(OpenSc.scHsmUnwrapKey(file, 1, USER_PIN));
    assertThat(pcsc("keys", "list").stdout()).containsPattern("1\\s+07\\s+carried\\s+AES-192\\s+192");
    assertThat(pcsc("mac", "--id", "07", "--in", msg.toString()).stdout().trim()).isEqualTo(before);
  }
}
