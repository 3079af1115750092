package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Seed runbook 000 (NitroKey HSM installation for node operators), every command with real
 * OpenSC: initialize, change the SO-PIN, generate the EC P-256 key 01, read its public key, and
 * derive the node operator principal as {@code dfx identity get-principal} does.
 */
class NodeOperatorRunbookIT extends InteropTestBase {
  /** The runbook's "new SO-PIN must be 16 hexadecimal digits". */
  private static final String NEW_SO_PIN = "8f3a61c04be29d57";

  private static void assertSoAndUserTries(int so, int user) {
    Tool.Result r = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.lines(r.output()))
        .as(r.describe())
        .contains("SO-PIN tries left    : " + so, "User PIN tries left  : " + user);
  }

  @Test
  void runbook_initializeChangeSoPinGenerateKey_principalMatchesTheKey() throws Exception {
    // 6. Initialize the HSM
    Tool.Result init = OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, USER_PIN));
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");
    assertSoAndUserTries(15, 3);

    // Change the SO-PIN (16 hex digits); OpenSC refuses anything else before it reaches the card
    Tool.Result notHex = OpenSc.pkcs11("--login", "--login-type", "so", "--so-pin", SO_PIN,
        "--change-pin", "--new-pin", "not-hex-digits!!");
    assertThat(notHex.exit()).as(notHex.describe()).isNotZero();
    assertThat(notHex.output()).as(notHex.describe()).contains("CKR_PIN_INCORRECT");
    assertSoAndUserTries(15, 3);

    Tool.Result change = OpenSc.ok(OpenSc.pkcs11("--login", "--login-type", "so", "--so-pin",
        SO_PIN, "--change-pin", "--new-pin", NEW_SO_PIN));
    assertThat(change.output()).as(change.describe()).contains("PIN successfully changed");

    // the old SO-PIN no longer re-initializes (and costs a try) ...
    Tool.Result old = OpenSc.scHsmInitialize(SO_PIN, USER_PIN);
    assertThat(old.output())
        .as(old.describe())
        .contains("SC_CARDCTL_SC_HSM_INITIALIZE", "failed with PIN code or key incorrect");
    assertSoAndUserTries(14, 3);
    // ... the new one does (and a successful re-initialization restores the counter)
    Tool.Result again = OpenSc.ok(OpenSc.scHsmInitialize(NEW_SO_PIN, USER_PIN));
    assertThat(again.output()).as(again.describe()).doesNotContain("failed");
    assertSoAndUserTries(15, 3);

    // Create the keypair
    Tool.Result gen = OpenSc.ok(OpenSc.pkcs11("-k", "--key-type", "EC:prime256v1", "--login",
        "--pin", USER_PIN, "-d", "01"));
    List<String> genLines = OpenSc.lines(gen.stdout());
    // pkcs11-tool 0.27 prints hex values its own way (commit 5f2cfaf58), 0.24+ shows signRecover
    // (737295cb4)
    assertThat(genLines)
        .as(gen.describe())
        .contains("Key pair generated:", "Private Key Object; EC",
            "Public Key Object; EC  EC_POINT 256 bits")
        .containsAll(OpenScInstall.atLeast(0, 27)
            ? List.of("ID:         1 (0x01)", "EC Params:  06:08:2a:86:48:ce:3d:03:01:07 "
                + "(\"prime256v1\" OID:\"1.2.840.10045.3.1.7\")",
                "Usage:      sign, signRecover, derive")
            : List.of("ID:         01", "EC_PARAMS:  06082a8648ce3d030107",
                "Usage:      sign, derive"));
    String ecPointHex = OpenSc.ecPoint(gen.stdout());

    // pkcs11-tool --read-object --type pubkey --id 01: a DER SubjectPublicKeyInfo
    Path pubDer = temp.resolve("pub.der");
    OpenSc.ok(OpenSc.readPublicKey("01", pubDer));
    byte[] spki = Openssl.read(pubDer);
    ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(spki));
    assertThat(pub.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    assertThat(pub.getEncoded()).isEqualTo(spki); // a canonical DER encoding
    String description = Openssl.describePublicKey(Openssl.derToPem(pubDer));
    assertThat(description).contains("ASN1 OID: prime256v1", "NIST CURVE: P-256");
    // the point in the SPKI is the EC_POINT (DER OCTET STRING 04 41 ..) pkcs11-tool printed
    byte[] point = Arrays.copyOfRange(spki, spki.length - 65, spki.length);
    assertThat(ecPointHex).isEqualTo("0441" + HexFormat.of().formatHex(point));
    assertThat(point[0]).isEqualTo((byte) 0x04);
    assertThat(new java.math.BigInteger(1, Arrays.copyOfRange(point, 1, 33)))
        .isEqualTo(pub.getW().getAffineX());

    // hsmkit reads the same public key through PC/SC
    Path hsmkitDer = temp.resolve("hsmkit-pub.der");
    Tool.Result export = harness.hsmkit(Map.of(), "--token", "pcsc:Virtual PCD", "keys",
        "export-public", "--id", "01", "--format", "der", "--out", hsmkitDer.toString());
    assertThat(export.exit()).as(export.describe()).isZero();
    assertThat(Openssl.read(hsmkitDer)).isEqualTo(spki);

    // 7. the node operator principal (what dfx prints), against an independent computation
    Tool.Result principal = harness.hsmkit(Map.of(), "--token", "pcsc", "principal", "--key-id",
        "01");
    assertThat(principal.exit()).as(principal.describe()).isZero();
    // the encoder on the specification's well-known principals first
    assertThat(principalText(new byte[0])).isEqualTo("aaaaa-aa"); // management canister
    assertThat(principalText(new byte[] {0x04})).isEqualTo("2vxsx-fae"); // anonymous
    String expected = selfAuthenticatingPrincipal(spki);
    assertThat(principal.stdout()).isEqualTo(expected + "\n");
    assertThat(expected)
        .hasSize(63)
        .matches("[a-z2-7]{5}(-[a-z2-7]{5}){9}-[a-z2-7]{3}");

    // a wrong SO-PIN (re-initialization attempt) costs one try and wipes nothing
    Tool.Result wrong = OpenSc.scHsmInitialize(SO_PIN, USER_PIN);
    assertThat(wrong.output())
        .as(wrong.describe())
        .contains("failed with PIN code or key incorrect");
    Tool.Result status = OpenSc.ok(OpenSc.scHsmStatus());
    assertThat(OpenSc.lines(status.output()))
        .as(status.describe())
        .contains("SO-PIN tries left    : 14", "User PIN tries left  : 3");
    Path after = temp.resolve("pub-after.der");
    OpenSc.ok(OpenSc.readPublicKey("01", after));
    assertThat(Openssl.read(after)).isEqualTo(spki);
  }

  /**
   * The Internet Computer self-authenticating principal of a DER public key, written here from the
   * interface specification and independently of hsmkit's IcPrincipal: bytes = SHA-224(DER) ‖
   * 0x02; text = base32 (RFC 4648, lower case, no padding) of CRC32(bytes) big-endian ‖ bytes, in
   * groups of five separated by '-'.
   */
  static String selfAuthenticatingPrincipal(byte[] derPublicKey) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-224").digest(derPublicKey);
    byte[] id = Arrays.copyOf(hash, hash.length + 1);
    id[hash.length] = 0x02;
    return principalText(id);
  }

  /** The textual form of a principal's bytes. */
  static String principalText(byte[] id) {
    CRC32 crc = new CRC32();
    crc.update(id);
    long c = crc.getValue();
    byte[] all = new byte[4 + id.length];
    all[0] = (byte) (c >>> 24);
    all[1] = (byte) (c >>> 16);
    all[2] = (byte) (c >>> 8);
    all[3] = (byte) c;
    System.arraycopy(id, 0, all, 4, id.length);
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder b32 = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : all) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        b32.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      b32.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < b32.length(); i += 5) {
      if (i > 0) {
        out.append('-');
      }
      out.append(b32, i, Math.min(i + 5, b32.length()));
    }
    return out.toString();
  }

}
