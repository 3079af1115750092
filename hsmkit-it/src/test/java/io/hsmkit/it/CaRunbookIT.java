package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Seed runbook 001 (MTG CARA integration guide), with real OpenSC: a password-protected DKEK share,
 * initialization with one DKEK share, an RSA-2048 and an EC P-256 CA key, backup with {@code
 * sc-hsm-tool --wrap-key}, and restore onto a replacement card (a new state directory) initialized
 * with the same share. The restored keys sign for the public keys exported before the backup.
 */
class CaRunbookIT extends InteropTestBase {
  private static final String CA_SO_PIN = "c0ffee0123456789";
  private static final String CA_PIN = "271828";
  private static final String SHARE_PASSWORD = "cara share password 1";
  private static final String LABEL = "MTG-CARA-HSM";

  private static String initializeAndImport(Path share, String expectedKcv) {
    Tool.Result init = OpenSc.ok(OpenSc.scHsmInitialize(CA_SO_PIN, CA_PIN, "--label", LABEL,
        "--dkek-shares", "1"));
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");
    Tool.Result imp = OpenSc.ok(OpenSc.scHsmImportDkekShare(share, SHARE_PASSWORD));
    List<String> lines = OpenSc.lines(imp.stdout());
    assertThat(lines)
        .as(imp.describe())
        .contains("DKEK share imported", "DKEK shares          : 1");
    String kcv = OpenSc.field(imp.stdout(), "DKEK key check value");
    assertThat(kcv).as(imp.describe()).matches("[0-9A-F]{16}");
    if (expectedKcv != null) {
      assertThat(kcv).isEqualTo(expectedKcv);
    }
    return kcv;
  }

  private static void assertKeysListed(String dump) {
    assertThat(OpenSc.dumpBlock(dump, "Private RSA Key [cara-rsa-ca]"))
        .as(dump)
        .contains("ModLength      : 2048", "Key ref        : 1 (0x01)", "Native         : yes",
            "ID             : 01");
    assertThat(OpenSc.dumpBlock(dump, "Private EC Key [cara-ec-ca]"))
        .as(dump)
        .contains("FieldLength    : 256", "Key ref        : 2 (0x02)", "Native         : yes",
            "ID             : 02");
  }

  @Test
  void runbook_backupAndRestoreOntoAReplacementCard() throws Exception {
    // Create the DKEK share (before initialization, as the guide recommends)
    Path share = temp.resolve("dkek-share-1.pbe");
    Tool.Result create = OpenSc.ok(OpenSc.scHsmCreateDkekShare(share, SHARE_PASSWORD));
    assertThat(OpenSc.lines(create.stdout()))
        .as(create.describe())
        .contains("DKEK share created and saved to " + share);
    assertThat(Files.size(share)).isEqualTo(64);
    assertThat(Arrays.copyOf(Files.readAllBytes(share), 8)).asString().isEqualTo("Salted__");

    // hsmkit's KCV of the file (password from the environment), computed while OpenSC imports it
    CompletableFuture<Tool.Result> hsmkitKcv = CompletableFuture.supplyAsync(
        () -> harness.hsmkit(Map.of("HSMKIT_DKEK_PASSWORD", SHARE_PASSWORD), "dkek", "kcv",
            share.toString()));

    // Initialize with one DKEK share, import it
    String kcv = initializeAndImport(share, null);
    Tool.Result fromHsmkit = hsmkitKcv.get();
    assertThat(fromHsmkit.exit()).as(fromHsmkit.describe()).isZero();
    assertThat(OpenSc.lines(fromHsmkit.stdout()))
        .as(fromHsmkit.describe())
        .containsExactly("DKEK key check value : " + kcv);

    // Verify initialisation
    Tool.Result status = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.lines(status.output()))
        .as(status.describe())
        .contains("Using reader with a card: " + Harness.READER, "Config options       :",
            "User PIN reset with SO-PIN enabled", "SO-PIN tries left    : 15",
            "User PIN tries left  : 3", "DKEK shares          : 1",
            "DKEK key check value : " + kcv);
    assertThat(OpenSc.field(status.output(), "Version")).matches("\\d+\\.\\d+");
    Tool.Result slots = OpenSc.ok(OpenSc.pkcs11("--list-slots"));
    assertThat(OpenSc.lines(slots.stdout()))
        .as(slots.describe())
        .contains("token label        : " + OpenSc.tokenLabel(LABEL),
            "token flags        : login required, rng, token initialized, PIN initialized");

    // The CA keys
    Tool.Result rsa = OpenSc.ok(OpenSc.keygen(CA_PIN, "rsa:2048", "01", "cara-rsa-ca"));
    assertThat(OpenSc.lines(rsa.stdout()))
        .as(rsa.describe())
        .contains("label:      cara-rsa-ca")
        .containsAll(OpenSc.rsaKeyObjectLines(2048));
    Tool.Result ec = OpenSc.ok(OpenSc.keygen(CA_PIN, "EC:prime256v1", "02", "cara-ec-ca"));
    assertThat(OpenSc.lines(ec.stdout()))
        .as(ec.describe())
        .contains("Private Key Object; EC", "label:      cara-ec-ca",
            "Public Key Object; EC  EC_POINT 256 bits");

    // Determine key references
    Tool.Result dump = OpenSc.ok("pkcs15-tool", "--dump", "--pin", CA_PIN);
    assertKeysListed(dump.stdout());

    // The public keys before the backup: the reference for everything after the restore
    Path rsaPub = Openssl.derToPem(readPublicKey("01", "original-rsa.der"));
    Path ecPub = Openssl.derToPem(readPublicKey("02", "original-ec.der"));
    assertThat(Openssl.describePublicKey(rsaPub)).contains("Public-Key: (2048 bit)");
    assertThat(Openssl.describePublicKey(ecPub)).contains("ASN1 OID: prime256v1");

    // Backup: one file per key; each blob starts with the KCV of the DKEK it is wrapped under
    Path k1 = temp.resolve("cara-rsa-ca.bin");
    Path k2 = temp.resolve("cara-ec-ca.bin");
    OpenSc.ok(OpenSc.scHsmWrapKey(k1, 1, CA_PIN));
    OpenSc.ok(OpenSc.scHsmWrapKey(k2, 2, CA_PIN));
    // file = SEQUENCE { key blob, PrKD (30 RSA / A0 EC), CV request (67) } (docs/protocol.md#wrap-file)
    for (Path k : List.of(k1, k2)) {
      List<Der> parts = Der.parseOne(Files.readAllBytes(k)).children();
      assertThat(parts).extracting(Der::tag).containsExactly(0x04, k == k1 ? 0x30 : 0xA0, 0x67);
      assertThat(HexFormat.of().withUpperCase().formatHex(parts.get(0).value(), 0, 8))
          .isEqualTo(kcv);
    }
    assertThat(Der.parseOne(Files.readAllBytes(k1)).children().get(0).value()[8])
        .as("key type RSA CRT")
        .isEqualTo((byte) 6);

    // Restore to a replacement device: a new card, initialized with the same share
    String first = serial;
    String replacement = harness.swapCard(temp.resolve("replacement"));
    assertThat(replacement).isNotEqualTo(first);
    Tool.Result fresh = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(fresh.output()).as(fresh.describe()).contains("has never been initialized");
    initializeAndImport(share, kcv);
    Tool.Result empty = OpenSc.ok("pkcs15-tool", "--dump", "--pin", CA_PIN);
    assertThat(empty.stdout()).as(empty.describe()).doesNotContain("Private RSA Key",
        "Private EC Key");

    for (int ref = 1; ref <= 2; ref++) {
      Tool.Result unwrap = OpenSc.unwrapOk(OpenSc.scHsmUnwrapKey(ref == 1 ? k1 : k2, ref, CA_PIN));
      assertThat(OpenSc.lines(unwrap.stdout()))
          .as(unwrap.describe())
          .containsSubsequence("Wrapped key contains:", "Key blob",
              "Private Key Description (PRKD)", "Certificate", "Key successfully imported");
    }
    Tool.Result restored = OpenSc.ok("pkcs15-tool", "--dump", "--pin", CA_PIN);
    assertThat(restored.stdout()).as(restored.describe()).contains("Serial number  : " + replacement);
    assertKeysListed(restored.stdout());

    // the replacement card has the original public keys ...
    assertThat(Openssl.read(readPublicKey("01", "restored-rsa.der")))
        .isEqualTo(Openssl.read(temp.resolve("original-rsa.der")));
    assertThat(Openssl.read(readPublicKey("02", "restored-ec.der")))
        .isEqualTo(Openssl.read(temp.resolve("original-ec.der")));

    // ... and the restored private keys sign for them
    Path data = temp.resolve("tbs.txt");
    Files.writeString(data, "CN=MTG CARA test certificate to be signed\n");
    Path rsaSig = temp.resolve("rsa.sig");
    OpenSc.ok(OpenSc.sign(CA_PIN, "SHA256-RSA-PKCS", "01", data, rsaSig));
    assertThat(Files.size(rsaSig)).isEqualTo(256);
    Openssl.assertDgstVerifies("sha256", rsaPub, rsaSig, data);
    Path ecSig = temp.resolve("ec.sig");
    OpenSc.ok(OpenSc.sign(CA_PIN, "ECDSA-SHA256", "02", data, ecSig, "--signature-format",
        "openssl"));
    Openssl.assertDgstVerifies("sha256", ecPub, ecSig, data);
    Path other = temp.resolve("other.txt");
    Files.writeString(other, "CN=something else\n");
    Openssl.assertDgstRejects("sha256", ecPub, ecSig, other);
  }

  private Path readPublicKey(String id, String file) {
    Path der = temp.resolve(file);
    OpenSc.ok(OpenSc.readPublicKey(id, der));
    return der;
  }
}
