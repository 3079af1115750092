package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.dkek.DkekShareFile;
import io.hsmkit.testkit.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ground truth from a real Nitrokey HSM 2: its DKEK goes onto the served card through a share file
 * and sc-hsm-tool, then the key the real device wrapped with {@code sc-hsm-tool --wrap-key} (a
 * secp256k1 key labelled "btc-test") is unwrapped by sc-hsm-tool, shown by pkcs15-tool, read by
 * pkcs11-tool and signs for the public key in the real device's CV request.
 */
class GroundTruthIT extends InteropTestBase {
  private static final String PIN = "648219";
  private static final String PASSWORD = "ground truth share";
  private static final HexFormat HEX = HexFormat.of();
  /** SubjectPublicKeyInfo header for id-ecPublicKey / secp256k1 (1.3.132.0.10), 65-byte point. */
  private static final String SECP256K1_SPKI_PREFIX =
      "3056301006072a8648ce3d020106052b8104000a034200";
  private static final String SECP256K1_P =
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

  @Test
  void realNitrokeyWrapFile_unwrapsUnderTheRealDkek_andSignsForItsPublicKey() throws Exception {
    Vectors.WrappedKey real = Vectors.nitrokeyWrappedEcKey();
    Path wrapped = temp.resolve("real.bin");
    Files.write(wrapped, real.wrapFile());

    // what the real file holds (read with the test's own DER reader)
    List<Der> parts = Der.parseOne(real.wrapFile()).children();
    assertThat(parts).extracting(Der::tag).containsExactly(0x04, 0xA0, 0x67);
    assertThat(HEX.withUpperCase().formatHex(parts.get(0).value(), 0, 8)).isEqualTo(real.kcv());
    Der prkd = parts.get(1);
    String label = new String(prkd.path(0x30, 0x0C).value(), StandardCharsets.UTF_8);
    assertThat(label).isEqualTo("btc-test");
    Der cvBody = parts.get(2).path(0x7F21, 0x7F4E);
    assertThat(new String(cvBody.child(0x5F20).value(), StandardCharsets.US_ASCII))
        .isEqualTo("DENK010570200001");
    assertThat(HEX.formatHex(cvBody.path(0x7F49, 0x81).value())).isEqualTo(SECP256K1_P);
    byte[] q = cvBody.path(0x7F49, 0x86).value();
    assertThat(q).hasSize(65);
    assertThat(q[0]).isEqualTo((byte) 0x04);
    byte[] expectedSpki = HEX.parseHex(SECP256K1_SPKI_PREFIX + HEX.formatHex(q));
    String expectedId = HEX.formatHex(
        MessageDigest.getInstance("SHA-1").digest(Arrays.copyOfRange(q, 1, 33)));

    // a share file holding the real DKEK, written with hsmkit's .pbe code
    byte[] salt = new byte[8];
    new SecureRandom().nextBytes(salt);
    Path pbe = temp.resolve("real-dkek.pbe");
    Files.write(pbe, DkekShareFile.encrypt(real.dkek(),
        PASSWORD.getBytes(StandardCharsets.UTF_8), salt, null));

    // under another DKEK (a random one: --dkek-shares 0) the real blob is refused
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--dkek-shares", "0"));
    Tool.Result refused = OpenSc.scHsmUnwrapKey(wrapped, 1, PIN);
    assertThat(refused.exit()).as(refused.describe()).isNotZero();
    assertThat(refused.stderr()).as(refused.describe()).contains("Wrapped key does not match DKEK");
    Tool.Result none = OpenSc.ok("pkcs15-tool", "--dump", "--pin", PIN);
    assertThat(none.stdout()).as(none.describe()).doesNotContain("btc-test");

    Tool.Result init = OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--dkek-shares", "1"));
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");
    Tool.Result imp = OpenSc.ok(OpenSc.scHsmImportDkekShare(pbe, PASSWORD));
    assertThat(OpenSc.lines(imp.stdout()))
        .as(imp.describe())
        .contains("DKEK share imported", "DKEK shares          : 1",
            "DKEK key check value : 97E303855DC1C54D");
    assertThat(real.kcv()).isEqualTo("97E303855DC1C54D");

    Tool.Result unwrap = OpenSc.unwrapOk(OpenSc.scHsmUnwrapKey(wrapped, 1, PIN));
    assertThat(OpenSc.lines(unwrap.stdout()))
        .as(unwrap.describe())
        .containsExactly("Wrapped key contains:", "Key blob", "Private Key Description (PRKD)",
            "Certificate", "Key successfully imported");

    Tool.Result dump = OpenSc.ok("pkcs15-tool", "--dump", "--pin", PIN);
    assertThat(OpenSc.dumpBlock(dump.stdout(), "Private EC Key [btc-test]"))
        .as(dump.describe())
        .contains("Usage          : [0x10C], sign, signRecover, derive", "FieldLength    : 256",
            "Key ref        : 1 (0x01)", "Native         : yes", "ID             : " + expectedId);
    assertThat(OpenSc.dumpBlock(dump.stdout(), "Public EC Key [btc-test]"))
        .as(dump.describe())
        .contains("FieldLength    : 256", "ID             : " + expectedId);

    Path pubDer = temp.resolve("btc-test.der");
    OpenSc.ok(OpenSc.readPublicKey(expectedId, pubDer));
    assertThat(HEX.formatHex(Openssl.read(pubDer))).isEqualTo(HEX.formatHex(expectedSpki));
    Path pubPem = Openssl.derToPem(pubDer);
    assertThat(Openssl.describePublicKey(pubPem)).contains("ASN1 OID: secp256k1");

    // the real key signs on the served card; openssl checks against the real CV request's key
    Path data = temp.resolve("tx.bin");
    Files.writeString(data, "ground truth: a key generated on a real Nitrokey HSM 2\n");
    Path sig = temp.resolve("tx.sig");
    Tool.Result sign = OpenSc.ok(OpenSc.sign(PIN, "ECDSA-SHA256", expectedId, data, sig,
        "--signature-format", "openssl"));
    assertThat(sign.output()).as(sign.describe()).contains("Using signature algorithm ECDSA-SHA256");
    Openssl.assertDgstVerifies("sha256", pubPem, sig, data);
    Path hash = temp.resolve("tx.sha256");
    Files.write(hash, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(data)));
    Path rawSig = temp.resolve("tx-raw.sig");
    OpenSc.ok(OpenSc.sign(PIN, "ECDSA", expectedId, hash, rawSig, "--signature-format",
        "openssl"));
    Openssl.assertPkeyutlVerifies(pubPem, hash, rawSig);

    // wrapped again on the served card: same DKEK, same description and CV request
    Path again = temp.resolve("again.bin");
    OpenSc.ok(OpenSc.scHsmWrapKey(again, 1, PIN));
    List<Der> againParts = Der.parseOne(Files.readAllBytes(again)).children();
    assertThat(againParts).extracting(Der::tag).containsExactly(0x04, 0xA0, 0x67);
    assertThat(Arrays.copyOf(againParts.get(0).value(), 12))
        .isEqualTo(Arrays.copyOf(parts.get(0).value(), 12)); // KCV, type 0C, algorithm length
    assertThat(againParts.get(0).value()).hasSameSizeAs(parts.get(0).value());
    assertThat(againParts.get(1).value()).isEqualTo(parts.get(1).value());
    assertThat(againParts.get(2).value()).isEqualTo(parts.get(2).value());
  }
}
