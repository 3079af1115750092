package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/**
 * Every {@code hsmkit} command (README, The hsmkit command) against the served card through pcscd ({@code --token
 * pcsc}), the path a real Nitrokey HSM 2 takes. Where the command changes the card, OpenSC's own
 * tools confirm it; secrets travel in environment variables only.
 */
class CliOverPcscIT extends InteropTestBase {
  private static final String PIN = "358138";
  private static final String PASSWORD = "share password for the pcsc run";

  private PublicKey exportPublic(String id, String algorithm) throws Exception {
    Path der = temp.resolve("pub-" + id + ".der");
    pcsc("keys", "export-public", "--id", id, "--format", "der", "--out", der.toString());
    return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Files.readAllBytes(der)));
  }

  @Test
  void everyCommand_worksThroughPcsc() throws Exception {
    harness.awaitCard();
    // status and doctor on a factory-new card
    assertThat(pcsc("status").stdout()).contains("has never been initialized");
    assertThat(pcsc("doctor").stdout()).contains("ok    pcscd is running").contains("All checks passed.");

    // init with one DKEK share; share file made and checked before it touches the card
    env.put("HSMKIT_SO_PIN", SO_PIN);
    env.put("HSMKIT_PIN", PIN);
    env.put("HSMKIT_DKEK_PASSWORD", PASSWORD);
    pcsc("init", "--dkek-shares", "1", "--label", "pcsc-run");
    Path share = temp.resolve("share.pbe");
    hsmkitOk("dkek", "create", share.toString());
    String kcv = hsmkitOk("dkek", "kcv", share.toString()).stdout().replaceAll("(?s).*([0-9A-F]{16}).*", "$1");
    assertThat(kcv).matches("[0-9A-F]{16}");
    assertThat(pcsc("dkek", "import", share.toString()).stdout()).contains(kcv);
    Tool.Result scStatus = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.field(scStatus.stdout(), "DKEK key check value")).isEqualTo(kcv);
    assertThat(pcsc("status", "--json").stdout()).contains(kcv).contains("\"label\"");

    // keys: generate (EC and RSA), list, export; OpenSC sees them
    pcsc("keys", "generate", "--type", "ec:prime256v1", "--id", "01", "--label", "node");
    pcsc("keys", "generate", "--type", "rsa:2048", "--id", "02", "--label", "rsa");
    assertThat(pcsc("keys", "list").stdout())
        .containsPattern("1\\s+01\\s+node\\s+EC secp256r1\\s+256")
        .containsPattern("2\\s+02\\s+rsa\\s+RSA\\s+2048");
    assertThat(OpenSc.ok(OpenSc.pkcs11("--list-objects")).stdout()).contains("node").contains("rsa");
    PublicKey ec = exportPublic("01", "EC");
    PublicKey rsa = exportPublic("02", "RSA");

    // sign: ECDSA and RSA-PSS, verified with the JDK
    Path msg = temp.resolve("msg");
    Files.writeString(msg, "signed through pcscd");
    Path sig = temp.resolve("sig");
    pcsc("sign", "--id", "01", "--mechanism", "ecdsa-sha256", "--in", msg.toString(), "--out", sig.toString());
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(ec);
    v.update(Files.readAllBytes(msg));
    assertThat(v.verify(Files.readAllBytes(sig))).isTrue();
    pcsc("sign", "--id", "02", "--mechanism", "rsa-pss-sha256", "--in", msg.toString(), "--out", sig.toString());
    Signature pss = Signature.getInstance("RSASSA-PSS");
    pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    pss.initVerify(rsa);
    pss.update(Files.readAllBytes(msg));
    assertThat(pss.verify(Files.readAllBytes(sig))).isTrue();

    // decrypt and derive
    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    c.init(Cipher.ENCRYPT_MODE, rsa);
    Path cryptogram = temp.resolve("c");
    Files.write(cryptogram, c.doFinal("secret".getBytes(StandardCharsets.US_ASCII)));
    Path plain = temp.resolve("p");
    pcsc("decrypt", "--id", "02", "--in", cryptogram.toString(), "--out", plain.toString());
    assertThat(Files.readString(plain)).isEqualTo("secret");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair peer = g.generateKeyPair();
    Path peerFile = temp.resolve("peer.der");
    Files.write(peerFile, peer.getPublic().getEncoded());
    Path secret = temp.resolve("secret");
    pcsc("derive", "--id", "01", "--peer", peerFile.toString(), "--out", secret.toString());
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(peer.getPrivate());
    ka.doPhase(ec, true);
    assertThat(Files.readAllBytes(secret)).isEqualTo(ka.generateSecret());

    // principal, CA workflow
    assertThat(pcsc("principal", "--key-id", "01").stdout().strip()).matches("([a-z2-7]{5}-){10}[a-z2-7]{3}");
    pcsc("keys", "generate", "--type", "ec:secp384r1", "--id", "10", "--label", "ca");
    pcsc("ca", "init", "--key-id", "10", "--subject", "CN=PCSC Root", "--days", "30");
    Path csr = temp.resolve("node.csr");
    pcsc("csr", "--key-id", "01", "--subject", "CN=node", "--out", csr.toString());
    Path cert = temp.resolve("node.pem");
    pcsc("ca", "sign", csr.toString(), "--key-id", "10", "--profile", "client", "--out", cert.toString());
    pcsc("cert", "import", "--key-id", "01", cert.toString());
    assertThat(pcsc("cert", "list").stdout()).contains("CN=PCSC Root").contains("CN=node");
    Path exported = temp.resolve("exported.pem");
    pcsc("cert", "export", "--key-id", "01", "--out", exported.toString());
    assertThat(Files.readString(exported)).isEqualTo(Files.readString(cert));
    assertThat(OpenSc.ok(OpenSc.run("pkcs15-tool", "--list-certificates")).stdout())
        .contains("X.509 Certificate [node]").contains("X.509 Certificate [ca]");

    // wrap / unwrap (same card, --force over the existing key), backup / restore --verify onto a
    // second card with the same DKEK in reader 1
    Path wrapped = temp.resolve("key01.bin");
    pcsc("wrap", "--key-ref", "1", wrapped.toString());
    pcsc("unwrap", wrapped.toString(), "--key-ref", "1", "--force");
    Path backup = temp.resolve("backup");
    pcsc("backup", backup.toString());
    assertThat(backup.resolve("manifest.json")).exists();
    harness.serve(temp.resolve("card-b"), Harness.PORT2);
    harness.awaitCard(Harness.PORT2);
    String b = "pcsc:" + Harness.READER2;
    hsmkitOk("--token", b, "init", "--dkek-shares", "1");
    hsmkitOk("--token", b, "dkek", "import", share.toString());
    assertThat(hsmkitOk("--token", b, "restore", backup.toString(), "--verify").stdout())
        .contains("Restored 3 keys, each verified");
    assertThat(hsmkitOk("--token", b, "keys", "list").stdout()).contains("node").contains("rsa").contains("ca");

    // keys delete
    pcsc("keys", "delete", "--id", "02", "--force"); // no terminal here: --force, or it asks
    assertThat(pcsc("keys", "list").stdout()).doesNotContain(" rsa ");

    // PIN life cycle: change, wrong PIN, unblock with the SO-PIN, SO-PIN change
    env.put("HSMKIT_NEW_PIN", "112233");
    pcsc("pin", "change");
    env.put("HSMKIT_PIN", PIN); // old one: refused, tries counted
    Tool.Result wrong = harness.hsmkit(env, "--token", "pcsc", "keys", "generate", "--type",
        "ec:secp256r1", "--id", "20");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.stderr()).contains("wrong user PIN, 2 tries left").doesNotContain(PIN);
    env.put("HSMKIT_NEW_PIN", "445566");
    pcsc("pin", "unblock");
    assertThat(OpenSc.ok(OpenSc.pkcs11Login("445566")).exit()).isZero();
    env.put("HSMKIT_NEW_SO_PIN", "0011223344556677");
    pcsc("so-pin", "change");
    assertThat(OpenSc.ok(OpenSc.scHsmStatus()).stdout()).contains("SO-PIN tries left    : 15");
    Tool.Result oldSo = harness.hsmkit(env, "--token", "pcsc", "so-pin", "change");
    assertThat(oldSo.exit()).isEqualTo(1);
    assertThat(oldSo.stderr()).contains("wrong SO-PIN, 14 tries left").doesNotContain(SO_PIN);
  }
}
