package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.IcPrincipal;
import io.hsmkit.client.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCommandsTest {
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = CliRunner.initialized(home, "358138");
  }

  @Test
  void generateListExport_nodeOperatorKey() throws Exception {
    String gen = cli.ok("keys", "generate", "--type", "ec:prime256v1", "--id", "01", "--label", "node").out();
    assertThat(gen).contains("key ref 1").contains("id 01");
    String list = cli.ok("keys", "list").out();
    assertThat(list).contains("KEYREF").containsPattern("1\\s+01\\s+node\\s+EC secp256r1\\s+256");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> json = (List<Map<String, Object>>) Json.parse(cli.ok("keys", "list", "--json").out());
    assertThat(json).hasSize(1);
    assertThat(json.get(0)).containsEntry("keyRef", 1L).containsEntry("id", "01").containsEntry("label", "node");

    Path der = home.resolve("pub.der");
    cli.ok("keys", "export-public", "--id", "01", "--format", "der", "--out", der.toString());
    PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Files.readAllBytes(der)));
    String pem = cli.ok("keys", "export-public", "--id", "01").out();
    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");

    // the principal is computed from the same SubjectPublicKeyInfo, independently here
    String principal = cli.ok("principal", "--key-id", "01").out().trim();
    assertThat(principal).isEqualTo(IcPrincipal.ofPublicKey(pub.getEncoded()));
    assertThat(principal).matches("([a-z2-7]{5}-){10}[a-z2-7]{3}");

    // sign a file and verify with the exported key
    Path msg = home.resolve("msg");
    Files.writeString(msg, "hello");
    Path sig = home.resolve("sig");
    cli.ok("sign", "--id", "01", "--mechanism", "ecdsa-sha256", "--in", msg.toString(), "--out", sig.toString());
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(pub);
    v.update("hello".getBytes(StandardCharsets.US_ASCII));
    assertThat(v.verify(Files.readAllBytes(sig))).isTrue();
  }

  @Test
  void principalJson_hasKeyAndPrincipal() {
    cli.ok("keys", "generate", "--type", "ec:secp256k1", "--id", "02");
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Json.parse(cli.ok("principal", "--key-id", "02", "--json").out());
    byte[] spki = Base64.getDecoder().decode((String) m.get("publicKey"));
    assertThat(m.get("principal")).isEqualTo(IcPrincipal.ofPublicKey(spki));
  }

  @Test
  void badInput_givesUsageErrors() {
    assertThat(cli.run("keys", "generate", "--type", "ec:secp224r1", "--id", "01").err()).contains("EC curve must be one of");
    assertThat(cli.run("keys", "generate", "--type", "rsa:1000", "--id", "01").exit()).isEqualTo(2);
    assertThat(cli.run("keys", "generate", "--type", "ec:secp256r1", "--id", "zz").err()).contains("hex");
    assertThat(cli.run("sign", "--id", "01", "--mechanism", "md5").err()).contains("--mechanism must be one of");
    assertThat(cli.run("principal", "--key-id", "09").exit()).isEqualTo(1);
    assertThat(cli.run("keys", "delete").err()).contains("exactly one of --id and --key-ref");
  }

  @Test
  void wrongPin_keyGeneration_reportsTriesLeft_andCreatesNothing() {
    cli.env.put("HSMKIT_PIN", "000000");
    CliRunner.Result r = cli.run("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("wrong user PIN, 2 tries left");
    assertThat(cli.ok("keys", "list").out()).contains("No keys.");
  }

  @Test
  void delete_removesKey() {
    cli.ok("keys", "generate", "--type", "rsa:1024", "--id", "10", "--label", "NKHSM2 RSA Key");
    cli.ok("keys", "delete", "--id", "10", "--force");
    assertThat(cli.ok("keys", "list").out()).contains("No keys.");
  }

  @Test
  void wrap_withoutDkek_explainsWhy() {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    CliRunner.Result r = cli.run("wrap", "--key-ref", "1", home.resolve("k.bin").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("DKEK");
    assertThat(home.resolve("k.bin")).doesNotExist();
  }

  /** no principal for key types the Internet Computer does not accept. */
  @Test
  void principal_refusesBrainpoolAndRsa_acceptsSecp256k1() {
    cli.ok("keys", "generate", "--type", "ec:brainpoolP256r1", "--id", "0b");
    cli.ok("keys", "generate", "--type", "rsa:1024", "--id", "0c");
    cli.ok("keys", "generate", "--type", "ec:secp256k1", "--id", "0d");
    for (String id : new String[] {"0b", "0c"}) {
      CliRunner.Result r = cli.run("principal", "--key-id", id);
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains("Internet Computer accepts only");
    }
    assertThat(cli.ok("principal", "--key-id", "0d").out()).matches("[a-z0-9-]+\\s*");
  }
}
