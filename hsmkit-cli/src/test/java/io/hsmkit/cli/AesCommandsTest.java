package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.backup.WrapFile;
import io.hsmkit.client.json.Json;
import io.hsmkit.client.keys.SecretKeyDescription;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keys generate --type aes:N}, {@code encrypt} / {@code decrypt --mechanism aes-cbc},
 * {@code mac}, AES keys in {@code keys list}, {@code unwrap}, {@code backup} and {@code restore}
 * on embedded tokens. Results are checked against the JDK and Bouncy Castle with a key known here:
 * the NIST SP 800-38A / 38B key, put on the card by UNWRAP of a blob built in this test.
 */
class AesCommandsTest {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] SO = HEX.parseHex("3537363231383830");
  static final byte[] NIST_KEY = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
  static final byte[] NIST_IV = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  static final byte[] NIST_PLAIN = HEX.parseHex(
      "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51"
      + "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710");
  /** SP 800-38A F.2.1 CBC-AES128.Encrypt. */
  static final String NIST_CBC = "7649abac8119b246cee98e9b12e9197d" + "5086cb9b507219ee95db113a917678b2"
      + "73bed6b8e3c1743b7116e69e22229516" + "3ff1caa1681fac09120eca307586e1a7";
  /** SP 800-38B D.1 example 4 (64 bytes). */
  static final String NIST_CMAC_64 = "51f0bebf7e3b9d92fc49741779363cfe";

  @TempDir Path home;
  CliRunner cli;
  byte[] dkek;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(home);
    cli.env.put("HSMKIT_PIN", "648219");
    dkek = new byte[32];
    for (int i = 0; i < 32; i++) {
      dkek[i] = (byte) (0x11 + 13 * i);
    }
  }

  String token(String name) throws Exception {
    String spec = "emulated:" + home.resolve(name);
    try (Token t = Token.open(TokenSpec.parse(spec))) {
      t.session().initialize(new InitializeRequest(SO, "648219".getBytes(), 1, 3, 1));
      t.session().importDkekShare(dkek);
    }
    return spec;
  }

  static byte[] sha256(byte[] a, byte[] b) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(a);
    d.update(b);
    return d.digest();
  }

  static byte[] cmac(byte[] key, byte[] data) {
    CMac m = new CMac(AESEngine.newInstance());
    m.init(new KeyParameter(key));
    m.update(data, 0, data.length);
    byte[] out = new byte[16];
    m.doFinal(out, 0);
    return out;
  }

  static byte[] cbc(int mode, byte[] key, byte[] iv, byte[] data) throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    return c.doFinal(data);
  }

  /** A wrap file with {@code key} in an AES key blob (type 0F) under {@link #dkek}, built here. */
  Path wrapFile(byte[] key, String label, byte[] id) throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.writeBytes(new byte[8]);
    plain.write(0);
    plain.write(key.length);
    plain.writeBytes(key);
    plain.write(0x80);
    while (plain.size() % 16 != 0) {
      plain.write(0);
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(Arrays.copyOf(sha256(dkek, new byte[0]), 8));
    b.write(0x0F);
    b.writeBytes(HEX.parseHex("00086086480165030401" + "0003101118" + "00000000"));
    b.writeBytes(cbc(Cipher.ENCRYPT_MODE, sha256(dkek, new byte[] {0, 0, 0, 1}), new byte[16],
        plain.toByteArray()));
    b.writeBytes(cmac(sha256(dkek, new byte[] {0, 0, 0, 2}), b.toByteArray()));
    byte[] skd = new SecretKeyDescription(label, id, SecretKeyDescription.DEFAULT_USAGE,
        key.length * 8).encode();
    Path f = home.resolve(label + ".bin");
    Files.write(f, new WrapFile(b.toByteArray(), skd, null).encode());
    return f;
  }

  Path file(String name, byte[] content) throws Exception {
    Path p = home.resolve(name);
    Files.write(p, content);
    return p;
  }

  @Test
  void generate_list_andTheCipherCommands_roundTrip() throws Exception {
    String tok = token("t");
    cli.ok("--token", tok, "keys", "generate", "--type", "ec:secp256r1", "--id", "01", "--label", "ec");
    String gen = cli.ok("--token", tok, "keys", "generate", "--type", "aes:256", "--id", "0a",
        "--label", "vault").out();
    assertThat(gen).contains("Generated AES-256 key: key ref 2, id 0a, label \"vault\"");
    String list = cli.ok("--token", tok, "keys", "list").out();
    assertThat(list).contains("vault").contains("AES-256").contains("encrypt,decrypt,sign")
        .contains("EC secp256r1");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> json =
        (List<Map<String, Object>>) Json.parse(cli.ok("--token", tok, "keys", "list", "--json").out());
    assertThat(json.get(1)).containsEntry("algorithm", "AES-256").containsEntry("size", 256L)
        .containsEntry("id", "0a");

    byte[] plain = new byte[16 * 70];
    new java.util.Random(4).nextBytes(plain);
    Path in = file("plain", plain);
    Path enc = home.resolve("enc");
    Path dec = home.resolve("dec");
    String iv = "00112233445566778899aabbccddeeff";
    cli.ok("--token", tok, "encrypt", "--id", "0a", "--mechanism", "aes-cbc", "--iv", iv,
        "--in", in.toString(), "--out", enc.toString());
    assertThat(Files.readAllBytes(enc)).hasSize(plain.length).isNotEqualTo(plain);
    cli.ok("--token", tok, "decrypt", "--key-ref", "2", "--mechanism", "aes-cbc", "--iv", iv,
        "--in", enc.toString(), "--out", dec.toString());
    assertThat(Files.readAllBytes(dec)).isEqualTo(plain);

    String mac = cli.ok("--token", tok, "mac", "--id", "0a", "--in", in.toString()).out();
    assertThat(mac).matches("[0-9a-f]{32}\n");
    Path macOut = home.resolve("mac.bin");
    cli.ok("--token", tok, "mac", "--id", "0a", "--mechanism", "aes-cmac", "--in", in.toString(),
        "--out", macOut.toString());
    assertThat(HEX.formatHex(Files.readAllBytes(macOut))).isEqualTo(mac.trim());
  }

  @Test
  void badInput_wrongKeyType_andMissingIv_areOneLineUsageErrors() throws Exception {
    String tok = token("t");
    cli.ok("--token", tok, "keys", "generate", "--type", "aes:128", "--id", "0a");
    cli.ok("--token", tok, "keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    Path odd = file("odd", new byte[17]);
    Path out = home.resolve("out");
    String iv = "00".repeat(16);

    CliRunner.Result r = cli.run("--token", tok, "encrypt", "--id", "0a", "--iv", iv,
        "--in", odd.toString(), "--out", out.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("multiple of 16").contains("17").doesNotContain("\n\n");
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(out).doesNotExist();
    r = cli.run("--token", tok, "decrypt", "--id", "0a", "--mechanism", "aes-cbc", "--iv", iv,
        "--in", odd.toString(), "--out", out.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("multiple of 16");

    Path block = file("block", new byte[16]);
    r = cli.run("--token", tok, "encrypt", "--id", "01", "--iv", iv, "--in", block.toString(),
        "--out", out.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("aes-cbc needs an AES key").contains("EC");
    r = cli.run("--token", tok, "decrypt", "--id", "01", "--mechanism", "aes-cbc", "--iv", iv,
        "--in", block.toString(), "--out", out.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("needs an AES key");
    r = cli.run("--token", tok, "mac", "--id", "01", "--in", block.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("aes-cmac needs an AES key");
    r = cli.run("--token", tok, "sign", "--id", "0a", "--in", block.toString(), "--out", out.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(out).doesNotExist();

    r = cli.run("--token", tok, "encrypt", "--id", "0a", "--in", block.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--iv");
    r = cli.run("--token", tok, "encrypt", "--id", "0a", "--iv", "0011", "--in", block.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("16 bytes");
    r = cli.run("--token", tok, "decrypt", "--id", "0a", "--iv", iv, "--in", block.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--iv goes with --mechanism aes-cbc");
    r = cli.run("--token", tok, "decrypt", "--id", "0a", "--mechanism", "des", "--in", block.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("aes-cbc");
    // an AES key has no public key: export-public, principal and csr say so
    r = cli.run("--token", tok, "csr", "--key-id", "0a", "--subject", "CN=x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("AES-128").contains("EC or RSA");
    r = cli.run("--token", tok, "keys", "export-public", "--id", "0a");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no public key");
    assertThat(r.err().strip().lines()).hasSize(1);
    r = cli.run("--token", tok, "principal", "--key-id", "0a");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no public key");
    assertThat(r.err().strip().lines()).hasSize(1);
    r = cli.run("--token", tok, "keys", "generate", "--type", "aes:512");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("128, 192, 256");
  }

  /** The NIST key unwrapped from a blob built here: the CLI gives the SP 800-38A / 38B results. */
  @Test
  void unwrapOfAKnownKey_givesTheNistVectors() throws Exception {
    String tok = token("t");
    Path f = wrapFile(NIST_KEY, "nist", new byte[] {0x38});
    cli.ok("--token", tok, "unwrap", f.toString(), "--key-ref", "5");
    assertThat(cli.ok("--token", tok, "keys", "list").out()).contains("nist").contains("AES-128");
    Path in = file("plain", NIST_PLAIN);
    Path enc = home.resolve("enc");
    cli.ok("--token", tok, "encrypt", "--id", "38", "--iv", HEX.formatHex(NIST_IV),
        "--in", in.toString(), "--out", enc.toString());
    assertThat(HEX.formatHex(Files.readAllBytes(enc))).isEqualTo(NIST_CBC);
    Path dec = home.resolve("dec");
    cli.ok("--token", tok, "decrypt", "--id", "38", "--mechanism", "aes-cbc",
        "--iv", HEX.formatHex(NIST_IV), "--in", enc.toString(), "--out", dec.toString());
    assertThat(Files.readAllBytes(dec)).isEqualTo(NIST_PLAIN);
    assertThat(cli.ok("--token", tok, "mac", "--id", "38", "--in", in.toString()).out().trim())
        .isEqualTo(NIST_CMAC_64);
  }

  /**
   * backup / restore --verify carry AES keys: the restored key gives the JDK's CBC and Bouncy
   * Castle's CMAC for the known key, and a wrong check value fails the verification.
   */
  @Test
  void backupRestore_withAesKeys_verifiesByCheckValue() throws Exception {
    String a = token("a");
    byte[] key256 = new byte[32];
    new java.util.Random(256).nextBytes(key256);
    cli.ok("--token", a, "unwrap", wrapFile(key256, "known", new byte[] {0x42}).toString(),
        "--key-ref", "3");
    cli.ok("--token", a, "keys", "generate", "--type", "aes:192", "--label", "random");
    cli.ok("--token", a, "keys", "generate", "--type", "ec:secp256r1", "--id", "0e", "--label", "ec");
    Path dir = home.resolve("backup");
    cli.ok("--token", a, "backup", dir.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> manifest = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("manifest.json")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) manifest.get("keys");
    assertThat(keys).hasSize(3);
    Map<String, Object> known = keys.stream().filter(k -> "known".equals(k.get("label"))).findFirst().orElseThrow();
    assertThat(known.get("checkValue")).isEqualTo(HEX.formatHex(
        cmac(key256, "hsmkit backup check value".getBytes(StandardCharsets.US_ASCII))));
    assertThat(known.get("publicKey")).isNull();

    String b = token("b");
    assertThat(cli.ok("--token", b, "restore", dir.toString(), "--verify").out())
        .contains("Restored 3 keys, each verified");
    String list = cli.ok("--token", b, "keys", "list").out();
    assertThat(list).contains("known").contains("random").contains("AES-256").contains("AES-192");
    Path in = file("msg", NIST_PLAIN);
    assertThat(cli.ok("--token", b, "mac", "--id", "42", "--in", in.toString()).out().trim())
        .isEqualTo(HEX.formatHex(cmac(key256, NIST_PLAIN)));
    Path enc = home.resolve("enc");
    cli.ok("--token", b, "encrypt", "--id", "42", "--iv", HEX.formatHex(NIST_IV),
        "--in", in.toString(), "--out", enc.toString());
    assertThat(Files.readAllBytes(enc)).isEqualTo(cbc(Cipher.ENCRYPT_MODE, key256, NIST_IV, NIST_PLAIN));
    // the random key (key ref 1, the lowest free one): same CMAC on both devices
    assertThat(cli.ok("--token", b, "mac", "--key-ref", "1", "--in", in.toString()).out())
        .isEqualTo(cli.ok("--token", a, "mac", "--key-ref", "1", "--in", in.toString()).out());

    // a recorded check value that does not match: --verify fails and the restore is undone
    String text = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"),
        text.replace((String) known.get("checkValue"), "00".repeat(16)));
    String c = token("c");
    CliRunner.Result bad = cli.run("--token", c, "restore", dir.toString(), "--verify");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("check value").contains("undone");
    assertThat(cli.ok("--token", c, "keys", "list").out()).contains("No keys.");
  }
}
