package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * sc-hsm-tool and hsmkit use each other's files: DKEK share files ({@code .pbe}) in both
 * directions, and wrapped keys ({@code --wrap-key} / {@code hsmkit wrap}) restored by the other
 * tool onto a second card with the same DKEK, where they sign for the original public keys.
 */
class CrossToolIT extends InteropTestBase {
  private static final String PIN = "648219";
  private static final String SC_PASSWORD = "made by sc-hsm-tool";
  private static final String HSMKIT_PASSWORD = "made by hsmkit dkek";
  private static final Map<String, String> HSMKIT_PIN = Map.of("HSMKIT_PIN", PIN);

  private static void initializeWithOneDkekShare() {
    Tool.Result init = OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--dkek-shares", "1"));
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");
  }

  private static String kcvOf(Tool.Result importResult) {
    assertThat(OpenSc.lines(importResult.stdout()))
        .as(importResult.describe())
        .contains("DKEK share imported", "DKEK shares          : 1");
    String kcv = OpenSc.field(importResult.stdout(), "DKEK key check value");
    assertThat(kcv).as(importResult.describe()).matches("[0-9A-F]{16}");
    return kcv;
  }

  private Tool.Result hsmkit(Map<String, String> env, String... args) {
    Tool.Result r = harness.hsmkit(env, args);
    assertThat(r.exit()).as(r.describe()).isZero();
    return r;
  }

  @Test
  void scHsmToolShareAndWrapFiles_workWithHsmkit_andHsmkitWrapFilesWithScHsmTool()
      throws Exception {
    Path share = temp.resolve("sc-hsm-tool.pbe");
    OpenSc.ok(OpenSc.scHsmCreateDkekShare(share, SC_PASSWORD));

    // card A (reader 0): hsmkit imports the sc-hsm-tool share file through PC/SC, while on
    // card B (reader 1) sc-hsm-tool imports the same file: both derivations run at once
    initializeWithOneDkekShare();
    Path cardB = temp.resolve("card-b");
    harness.serve(cardB, Harness.PORT2);
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--dkek-shares", "1", "--reader", "1"));
    // (each card takes exactly one share: had both imports gone to one card, one would fail)
    CompletableFuture<Tool.Result> scImportB = CompletableFuture.supplyAsync(
        () -> OpenSc.scHsmImportDkekShare(share, SC_PASSWORD, "--reader", "1"));
    String kcv = kcvOf(hsmkit(Map.of("HSMKIT_DKEK_PASSWORD", SC_PASSWORD), "--token",
        "pcsc:" + Harness.READER, "dkek", "import", share.toString()));
    assertThat(kcvOf(OpenSc.ok(scImportB.get()))).isEqualTo(kcv);
    Tool.Result statusA = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.lines(statusA.output())).as(statusA.describe())
        .contains("Using reader with a card: " + Harness.READER, "DKEK key check value : " + kcv);
    harness.stopServe(Harness.PORT2); // from here on one card at a time, always in reader 0

    // card A: two keys, each wrapped by both tools
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "01", "cross-ec"));
    OpenSc.ok(OpenSc.keygen(PIN, "rsa:2048", "02", "cross-rsa"));
    Path ecPub = Openssl.derToPem(readPublicKey("01", "ec.der"));
    Path rsaPub = Openssl.derToPem(readPublicKey("02", "rsa.der"));
    Path scEc = temp.resolve("sc-ec.bin");
    Path scRsa = temp.resolve("sc-rsa.bin");
    Path hkEc = temp.resolve("hsmkit-ec.bin");
    Path hkRsa = temp.resolve("hsmkit-rsa.bin");
    OpenSc.ok(OpenSc.scHsmWrapKey(scEc, 1, PIN));
    OpenSc.ok(OpenSc.scHsmWrapKey(scRsa, 2, PIN));
    assertThat(hsmkit(HSMKIT_PIN, "--token", "pcsc", "wrap", "--key-ref", "1", hkEc.toString())
        .stdout()).isEqualTo("Key ref 1 wrapped into " + hkEc + ".\n");
    hsmkit(HSMKIT_PIN, "--token", "pcsc", "wrap", "--key-ref", "2", hkRsa.toString());
    // same layout: the key description and CV request are copied verbatim by both tools
    for (Path[] pair : List.of(new Path[] {scEc, hkEc}, new Path[] {scRsa, hkRsa})) {
      List<Der> sc = Der.parseOne(Files.readAllBytes(pair[0])).children();
      List<Der> hk = Der.parseOne(Files.readAllBytes(pair[1])).children();
      assertThat(hk).extracting(Der::tag).isEqualTo(sc.stream().map(Der::tag).toList());
      assertThat(hk.get(0).value()).hasSameSizeAs(sc.get(0).value());
      assertThat(java.util.Arrays.copyOf(hk.get(0).value(), 8))
          .isEqualTo(java.util.Arrays.copyOf(sc.get(0).value(), 8));
      assertThat(hk.get(1).value()).isEqualTo(sc.get(1).value());
      assertThat(hk.get(2).value()).isEqualTo(sc.get(2).value());
    }

    // card B: hsmkit restores what sc-hsm-tool wrapped ...
    harness.swapCard(cardB);
    assertThat(hsmkit(HSMKIT_PIN, "--token", "pcsc", "unwrap", scEc.toString(), "--key-ref",
        "1").stdout()).isEqualTo("Key imported at key ref 1.\n");
    hsmkit(HSMKIT_PIN, "--token", "pcsc", "unwrap", scRsa.toString(), "--key-ref", "2");
    assertRestoredKeysSign(ecPub, rsaPub, "hsmkit-restored");

    // ... and sc-hsm-tool restores what hsmkit wrapped, replacing them
    for (int ref = 1; ref <= 2; ref++) {
      Tool.Result r = OpenSc.unwrapOk(OpenSc.scHsmUnwrapKey(ref == 1 ? hkEc : hkRsa, ref, PIN));
      assertThat(OpenSc.lines(r.stdout())).as(r.describe())
          .containsExactly("Wrapped key contains:", "Key blob", "Private Key Description (PRKD)",
              "Certificate", "Key successfully imported");
    }
    assertRestoredKeysSign(ecPub, rsaPub, "sc-hsm-tool-restored");
  }

  private void assertRestoredKeysSign(Path ecPub, Path rsaPub, String round) throws Exception {
    Tool.Result dump = OpenSc.ok("pkcs15-tool", "--dump", "--pin", PIN);
    assertThat(OpenSc.dumpBlock(dump.stdout(), "Private EC Key [cross-ec]")).as(dump.describe())
        .contains("Key ref        : 1 (0x01)", "ID             : 01");
    assertThat(OpenSc.dumpBlock(dump.stdout(), "Private RSA Key [cross-rsa]")).as(dump.describe())
        .contains("Key ref        : 2 (0x02)", "ID             : 02");
    Path data = temp.resolve(round + ".txt");
    Files.writeString(data, "signed after " + round + "\n");
    Path ecSig = temp.resolve(round + "-ec.sig");
    OpenSc.ok(OpenSc.sign(PIN, "ECDSA-SHA256", "01", data, ecSig, "--signature-format",
        "openssl"));
    Openssl.assertDgstVerifies("sha256", ecPub, ecSig, data);
    Path rsaSig = temp.resolve(round + "-rsa.sig");
    OpenSc.ok(OpenSc.sign(PIN, "SHA256-RSA-PKCS", "02", data, rsaSig));
    Openssl.assertDgstVerifies("sha256", rsaPub, rsaSig, data);
  }

  @Test
  void hsmkitShareFile_importedByScHsmTool_givesTheKcvHsmkitPrinted() throws Exception {
    Path share = temp.resolve("hsmkit.pbe");
    Tool.Result create = hsmkit(Map.of("HSMKIT_DKEK_PASSWORD", HSMKIT_PASSWORD), "dkek",
        "create", share.toString());
    String line = create.stdout().strip();
    assertThat(line).matches("DKEK share written to .*; KCV if it is the only share: [0-9A-F]{16}");
    String kcv = line.substring(line.length() - 16);
    assertThat(Files.size(share)).isEqualTo(64);

    initializeWithOneDkekShare();
    assertThat(kcvOf(OpenSc.ok(OpenSc.scHsmImportDkekShare(share, HSMKIT_PASSWORD))))
        .isEqualTo(kcv);
    Tool.Result status = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.lines(status.output())).as(status.describe())
        .contains("DKEK shares          : 1", "DKEK key check value : " + kcv);
  }

  private Path readPublicKey(String id, String file) {
    Path der = temp.resolve(file);
    OpenSc.ok(OpenSc.readPublicKey(id, der));
    return der;
  }
}
