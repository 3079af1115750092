package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Key domains through pcscd (docs/protocol.md#key-domains): on a card initialized with key-domain
 * slots, OpenSC's tools still see domain 0 as the DKEK, and a key of domain 1 signs through
 * pkcs11-tool while its wrap (sc-hsm-tool --wrap-key) carries domain 1's KCV.
 */
class KeyDomainsIT extends InteropTestBase {
  private static final String PASSWORD = "share password for the domains run";

  private String kcvOf(Path share) {
    return hsmkitOk("dkek", "kcv", share.toString()).stdout()
        .replaceAll("(?s).*([0-9A-F]{16}).*", "$1");
  }

  @Test
  void scHsmToolSeesDomain0_andPkcs11ToolSignsWithADomain1Key() throws Exception {
    harness.awaitCard();
    env.put("HSMKIT_SO_PIN", SO_PIN);
    env.put("HSMKIT_PIN", USER_PIN);
    env.put("HSMKIT_DKEK_PASSWORD", PASSWORD);
    pcsc("init", "--dkek-shares", "1", "--key-domains", "2", "--label", "domains");
    Path share0 = temp.resolve("share0.pbe");
    Path share1 = temp.resolve("share1.pbe");
    hsmkitOk("dkek", "create", share0.toString());
    hsmkitOk("dkek", "create", share1.toString());
    String kcv0 = kcvOf(share0);
    String kcv1 = kcvOf(share1);
    assertThat(kcv0).isNotEqualTo(kcv1);

    pcsc("domain", "import", "--domain", "0", "--share-file", share0.toString());
    pcsc("domain", "create", "--domain", "1", "--shares", "1");
    pcsc("domain", "import", "--domain", "1", "--share-file", share1.toString());
    assertThat(pcsc("domain", "status").stdout()).contains(kcv0).contains(kcv1);

    // sc-hsm-tool's plain info: domain 0, exactly as on a card without key domains
    Tool.Result info = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.field(info.stdout(), "DKEK shares")).as(info.describe()).isEqualTo("1");
    assertThat(OpenSc.field(info.stdout(), "DKEK key check value")).as(info.describe()).isEqualTo(kcv0);
    assertThat(info.stdout()).doesNotContain(kcv1).doesNotContain("pending");

    // a key in domain 1 signs through pkcs11-tool
    pcsc("keys", "generate", "--type", "ec:prime256v1", "--id", "01", "--label", "in-domain-1",
        "--domain", "1");
    Path data = temp.resolve("data");
    Files.writeString(data, "signed by a key of key domain 1");
    Path sig = temp.resolve("sig");
    OpenSc.ok(OpenSc.sign(USER_PIN, "ECDSA-SHA256", "01", data, sig, "--signature-format", "openssl"));
    Path der = temp.resolve("pub.der");
    pcsc("keys", "export-public", "--id", "01", "--format", "der", "--out", der.toString());
    PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Files.readAllBytes(der)));
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(pub);
    v.update(Files.readAllBytes(data));
    assertThat(v.verify(Files.readAllBytes(sig))).isTrue();

    // sc-hsm-tool --wrap-key wraps it under domain 1's KEK: the blob starts with its KCV
    Path wrapped = temp.resolve("wrapped.bin");
    OpenSc.ok(OpenSc.scHsmWrapKey(wrapped, 1, USER_PIN));
    byte[] file = Files.readAllBytes(wrapped);
    byte[] blob = io.hsmkit.apdu.Tlv.parseFirst(file).children().get(0).value();
    assertThat(HexFormat.of().withUpperCase().formatHex(Arrays.copyOf(blob, 8))).isEqualTo(kcv1);
  }
}
