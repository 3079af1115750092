package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.json.Json;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.testkit.Vectors;
import io.hsmkit.token.Token;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wrap/unwrap/backup/restore and the DKEK share commands on embedded tokens. */
class BackupCommandsTest {
  static final byte[] SO = HexFormat.of().parseHex("3537363231383830");
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(home);
    cli.env.put("HSMKIT_PIN", "648219");
  }

  /** A DKEK no test file was made with (an all-zero one is refused). */
  static byte[] otherDkek() {
    byte[] b = new byte[32];
    java.util.Arrays.fill(b, (byte) 0x5A);
    return b;
  }

  /** Prepares a token with one DKEK share (imported directly, skipping the slow .pbe KDF). */
  String token(String name, byte[] dkek) throws Exception {
    String spec = "emulated:" + home.resolve(name);
    try (Token t = Token.open(TokenSpec.parse(spec))) {
      t.session().initialize(new InitializeRequest(SO, "648219".getBytes(), 1, 3, 1));
      t.session().importDkekShare(dkek);
    }
    return spec;
  }

  @Test
  void unwrap_realNitrokeyBackupFile_restoresLabelAndSigningKey() throws Exception {
    Vectors.WrappedKey v = Vectors.nitrokeyWrappedEcKey();
    String tok = token("t", v.dkek());
    Path file = home.resolve("btc.bin");
    Files.write(file, v.wrapFile());
    cli.ok("--token", tok, "unwrap", file.toString(), "--key-ref", "1");
    String list = cli.ok("--token", tok, "keys", "list").out();
    assertThat(list).contains("btc-test").contains("EC secp256k1").contains("4d8b45c6b9e00aee9c677b595e7b7b72572035ed");
    // wrapping it again gives a file sc-hsm-tool reads: same PrKD and CV request, new blob
    Path again = home.resolve("again.bin");
    cli.ok("--token", tok, "wrap", "--key-ref", "1", again.toString());
    List<Tlv> orig = Tlv.parseFirst(v.wrapFile()).children();
    List<Tlv> ours = Tlv.parseFirst(Files.readAllBytes(again)).children();
    assertThat(ours.get(1)).isEqualTo(orig.get(1));
    assertThat(ours.get(2)).isEqualTo(orig.get(2));
    assertThat(ours.get(0).length()).isEqualTo(orig.get(0).length());
    // occupied reference: refused without --force, replaced with it
    CliRunner.Result r = cli.run("--token", tok, "unwrap", file.toString(), "--key-ref", "1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("--force");
    cli.ok("--token", tok, "unwrap", file.toString(), "--key-ref", "1", "--force");
  }

  @Test
  void unwrap_withAnotherDkek_saysSoAndStoresNothing() throws Exception {
    Vectors.WrappedKey v = Vectors.nitrokeyWrappedEcKey();
    String tok = token("t", otherDkek());
    Path file = home.resolve("btc.bin");
    Files.write(file, v.wrapFile());
    CliRunner.Result r = cli.run("--token", tok, "unwrap", file.toString(), "--key-ref", "2");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("was wrapped under the DKEK with KCV").contains("this device's DKEK has KCV");
    assertThat(cli.ok("--token", tok, "keys", "list").out()).contains("No keys.");
  }

  @Test
  void backupRestore_toADeviceWithTheSameDkek_verifies_andRefusesAnotherDkek() throws Exception {
    byte[] dkek = new byte[32];
    new java.security.SecureRandom().nextBytes(dkek);
    String a = token("a", dkek);
    cli.ok("--token", a, "keys", "generate", "--type", "ec:brainpoolP256r1", "--id", "01", "--label", "ec");
    cli.ok("--token", a, "keys", "generate", "--type", "rsa:2048", "--id", "02", "--label", "rsa");
    Path dir = home.resolve("backup");
    cli.ok("--token", a, "backup", dir.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> manifest = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("manifest.json")));
    assertThat((List<?>) manifest.get("keys")).hasSize(2);

    String other = token("other", otherDkek());
    CliRunner.Result mismatch = cli.run("--token", other, "restore", dir.toString());
    assertThat(mismatch.exit()).isEqualTo(1);
    assertThat(mismatch.err()).contains("DKEK mismatch").contains("nothing was changed");
    assertThat(cli.ok("--token", other, "keys", "list").out()).contains("No keys.");

    String b = token("b", dkek);
    assertThat(cli.ok("--token", b, "restore", dir.toString(), "--verify").out()).contains("Restored 2 keys, each verified");
    assertThat(cli.ok("--token", b, "keys", "list").out()).contains(" ec ").contains(" rsa ");
    assertThat(cli.run("--token", b, "restore", dir.toString()).err()).contains("in use");

    // a tampered backup file is refused before anything changes
    Path f = dir.resolve("key-001.bin");
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length - 1] ^= 1;
    Files.write(f, bytes);
    String c = token("c", dkek);
    assertThat(cli.run("--token", c, "restore", dir.toString()).err()).contains("SHA-256");
  }

  /**
   * unwrap and restore refuse an id already on another key; a card that has
   * one twice anyway (put there by another tool) makes every lookup by id name the refs.
   */
  @Test
  void duplicateIds_refusedByUnwrapAndRestore_ambiguousLookupsNameTheRefs() throws Exception {
    byte[] dkek = new byte[32];
    new java.security.SecureRandom().nextBytes(dkek);
    String a = token("a", dkek);
    cli.ok("--token", a, "keys", "generate", "--type", "ec:secp256r1", "--id", "01", "--label", "one");
    Path file = home.resolve("one.bin");
    cli.ok("--token", a, "wrap", "--key-ref", "1", file.toString());
    CliRunner.Result unwrap = cli.run("--token", a, "unwrap", file.toString(), "--key-ref", "2");
    assertThat(unwrap.exit()).isEqualTo(1);
    assertThat(unwrap.err()).contains("id 01").contains("key ref 1");
    assertThat(cli.ok("--token", a, "keys", "list").out()).doesNotContain(" 2 ");

    Path dir = home.resolve("backup");
    cli.ok("--token", a, "backup", dir.toString());
    String b = token("b", dkek);
    cli.ok("--token", b, "keys", "generate", "--type", "ec:secp256r1", "--id", "07");
    cli.ok("--token", b, "keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    String before = cli.ok("--token", b, "keys", "list").out();
    CliRunner.Result restore = cli.run("--token", b, "restore", dir.toString(), "--force");
    assertThat(restore.exit()).isEqualTo(1);
    assertThat(restore.err()).contains("id 01").contains("key ref 2").contains("nothing was changed");
    assertThat(cli.ok("--token", b, "keys", "list").out()).isEqualTo(before);

    // another tool put id 01 on two keys: lookups by id refuse and name both refs
    try (Token t = Token.open(TokenSpec.parse(a))) {
      t.session().verifyPin("648219".getBytes());
      new io.hsmkit.client.backup.BackupManager(t.session()).unwrap(2,
          io.hsmkit.client.backup.WrapFile.decode(Files.readAllBytes(file)));
    }
    Path in = home.resolve("in.txt");
    Files.writeString(in, "data");
    for (String[] args : List.of(
        new String[] {"sign", "--id", "01", "--mechanism", "ecdsa-sha256", "--in", in.toString(), "--out", home.resolve("sig").toString()},
        new String[] {"keys", "export-public", "--id", "01"},
        new String[] {"keys", "delete", "--id", "01", "--force"},
        new String[] {"principal", "--key-id", "01"})) {
      String[] full = new String[args.length + 2];
      full[0] = "--token";
      full[1] = a;
      System.arraycopy(args, 0, full, 2, args.length);
      CliRunner.Result r = cli.run(full);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).contains("key refs 1, 2").contains("--key-ref");
    }
    assertThat(cli.ok("--token", a, "keys", "list", "--json").out()).containsPattern("\"keyRef\"\\s*:\\s*2");
    cli.ok("--token", a, "principal", "--key-ref", "2");
  }

  /**
   * a damaged wrap file whose KCV matches says the MAC check failed; a missing
   * input file is named, with exit 2, not "cannot reach the token".
   */
  @Test
  void messages_damagedWrapFile_andMissingInput() throws Exception {
    Vectors.WrappedKey v = Vectors.nitrokeyWrappedEcKey();
    String tok = token("t", v.dkek());
    io.hsmkit.client.backup.WrapFile w = io.hsmkit.client.backup.WrapFile.decode(v.wrapFile());
    byte[] blob = w.blob();
    blob[blob.length - 1] ^= 1;
    Path file = home.resolve("damaged.bin");
    Files.write(file, new io.hsmkit.client.backup.WrapFile(blob, w.prkd(), w.certificate()).encode());
    CliRunner.Result r = cli.run("--token", tok, "unwrap", file.toString(), "--key-ref", "1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("MAC check failed").doesNotContain("does not match");
    // with --force over a key: the failed unwrap puts the old key back
    cli.ok("--token", tok, "keys", "generate", "--type", "ec:secp256r1", "--id", "01", "--label", "kept");
    String before = cli.ok("--token", tok, "keys", "list").out();
    CliRunner.Result forced = cli.run("--token", tok, "unwrap", file.toString(), "--key-ref", "1", "--force");
    assertThat(forced.err()).contains("MAC check failed");
    assertThat(cli.ok("--token", tok, "keys", "list").out()).isEqualTo(before);
    Path missing = home.resolve("nope.txt");
    CliRunner.Result m = cli.run("--token", tok, "sign", "--id", "01", "--mechanism", "ecdsa-sha256",
        "--in", missing.toString(), "--out", home.resolve("s").toString());
    assertThat(m.exit()).isEqualTo(2);
    assertThat(m.err()).contains(missing + ": no such file").doesNotContain("cannot reach the token");
  }

  /** Replaces {@code file}'s SHA-256 in the manifest, as someone who edits a backup can. */
  static void rehash(Path dir, String file) throws Exception {
    Path manifest = dir.resolve("manifest.json");
    byte[] bytes = Files.readAllBytes(dir.resolve(file));
    String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    String text = Files.readString(manifest).replaceAll(
        "(\"file\"\\s*:\\s*\"" + file + "\"\\s*,\\s*\"sha256\"\\s*:\\s*\")[0-9a-f]{64}", "$1" + sha);
    Files.writeString(manifest, text);
  }

  /**
   * restore is all or nothing. A blob damaged after the first key (hash
   * recomputed), a key that fails --verify, and a key reference listed twice each leave the target
   * as it was, a key replaced with --force included.
   */
  @Test
  void restore_failingLateKeyOrVerifyOrDuplicateRef_leavesTheTargetAsItWas() throws Exception {
    byte[] dkek = new byte[32];
    new java.security.SecureRandom().nextBytes(dkek);
    String a = token("a", dkek);
    cli.ok("--token", a, "keys", "generate", "--type", "ec:secp256r1", "--id", "01", "--label", "one");
    cli.ok("--token", a, "keys", "generate", "--type", "ec:secp256r1", "--id", "02", "--label", "two");
    Path dir = home.resolve("backup");
    cli.ok("--token", a, "backup", dir.toString());
    Path clean = home.resolve("clean");
    Files.createDirectories(clean);
    for (String f : List.of("manifest.json", "key-001.bin", "key-002.bin")) {
      Files.copy(dir.resolve(f), clean.resolve(f));
    }

    // the target already has a key at ref 1, kept by every failed --force restore below
    String b = token("b", dkek);
    cli.ok("--token", b, "keys", "generate", "--type", "ec:secp384r1", "--id", "09", "--label", "mine");
    String before = cli.ok("--token", b, "keys", "list").out();

    // damaged MAC in the second blob, manifest hash recomputed
    Path f2 = dir.resolve("key-002.bin");
    io.hsmkit.client.backup.WrapFile w = io.hsmkit.client.backup.WrapFile.decode(Files.readAllBytes(f2));
    byte[] blob = w.blob();
    blob[blob.length - 1] ^= 1;
    Files.write(f2, new io.hsmkit.client.backup.WrapFile(blob, w.prkd(), w.certificate()).encode());
    rehash(dir, "key-002.bin");
    CliRunner.Result damaged = cli.run("--token", b, "restore", dir.toString(), "--force");
    assertThat(damaged.exit()).isEqualTo(1);
    assertThat(damaged.err()).contains("the target is as it was");
    assertThat(cli.ok("--token", b, "keys", "list").out()).isEqualTo(before);

    // --verify fails for key 2: its recorded public key is key 1's
    Path manifest = clean.resolve("manifest.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(manifest));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) m.get("keys");
    String pub1 = (String) keys.get(0).get("publicKey");
    String pub2 = (String) keys.get(1).get("publicKey");
    Files.writeString(manifest, Files.readString(manifest).replace(pub2, pub1));
    CliRunner.Result unverified = cli.run("--token", b, "restore", clean.toString(), "--force", "--verify");
    assertThat(unverified.exit()).isEqualTo(1);
    assertThat(unverified.err()).contains("does not sign").contains("the target is as it was");
    assertThat(cli.ok("--token", b, "keys", "list").out()).isEqualTo(before);

    // the same key reference twice: refused before anything changes
    String text = Files.readString(manifest).replace(pub1, pub2);
    int second = text.indexOf("\"keyRef\"", text.indexOf("\"keyRef\"") + 1);
    text = text.substring(0, second) + text.substring(second).replaceFirst("\"keyRef\"\\s*:\\s*2", "\"keyRef\": 1");
    Files.writeString(manifest, text);
    CliRunner.Result twice = cli.run("--token", b, "restore", clean.toString(), "--force");
    assertThat(twice.exit()).isEqualTo(1);
    assertThat(twice.err()).contains("key reference 1 twice");
    assertThat(cli.ok("--token", b, "keys", "list").out()).isEqualTo(before);
  }

  /**
   * Two shares imported by two processes with no login between: the second cannot know the KCV
   * (the first share is sealed; SECURITY.md) and says so instead of printing zeros; the next
   * login folds the shares and status shows the KCV of their XOR.
   */
  @Test
  void twoSharesInTwoProcesses_kcvPendingUntilLogin() throws Exception {
    byte[] password = "passwordpassword".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    new java.security.SecureRandom().nextBytes(a);
    new java.security.SecureRandom().nextBytes(b);
    Path fa = home.resolve("a.pbe");
    Path fb = home.resolve("b.pbe");
    Files.write(fa, io.hsmkit.client.dkek.DkekShareFile.encrypt(a, password, new byte[8], null));
    Files.write(fb, io.hsmkit.client.dkek.DkekShareFile.encrypt(b, password, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, null));
    byte[] dkek = new byte[32];
    for (int i = 0; i < 32; i++) {
      dkek[i] = (byte) (a[i] ^ b[i]);
    }
    String kcv = java.util.HexFormat.of().withUpperCase().formatHex(io.hsmkit.client.dkek.DkekShareFile.kcv(dkek));

    cli.env.put("HSMKIT_DKEK_PASSWORD", "passwordpassword");
    cli.env.put("HSMKIT_PIN", "358138");
    cli.ok("init", "--so-pin", "3537363231383830", "--dkek-shares", "2");
    assertThat(cli.ok("dkek", "import", fa.toString()).out()).contains("1 share(s) still missing");
    String second = cli.ok("dkek", "import", fb.toString()).out();
    assertThat(second).contains("DKEK key check value : pending").doesNotContain("0000000000000000");
    assertThat(cli.ok("status", "--json").out()).containsPattern("\"dkekKcv\"\\s*:\\s*null");
    // a login (here for a key generation) lets the card fold the sealed shares
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    assertThat(cli.ok("status").out()).contains("DKEK key check value : " + kcv);
  }

  /**
   * the same share file twice would make the DKEK the XOR of two equal shares,
   * all zeros; the emulated card refuses the repeat (SECURITY.md, "Degenerate DKEKs") and nothing is imported.
   */
  @Test
  void dkekImport_sameShareTwice_isRefused_andTheDkekStaysPending() throws Exception {
    byte[] a = new byte[32];
    new java.security.SecureRandom().nextBytes(a);
    Path fa = home.resolve("a.pbe");
    Files.write(fa, io.hsmkit.client.dkek.DkekShareFile.encrypt(a,
        "passwordpassword".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[8], null));
    cli.env.put("HSMKIT_DKEK_PASSWORD", "passwordpassword");
    cli.ok("init", "--so-pin", "3537363231383830", "--dkek-shares", "2");
    cli.ok("dkek", "import", fa.toString());
    CliRunner.Result again = cli.run("dkek", "import", fa.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("imported already").doesNotContain("Exception");
    assertThat(cli.ok("status").out()).contains("1 share(s) still missing")
        .doesNotContain(io.hsmkit.client.DkekStatus.ZERO_DKEK_KCV);
  }

  @Test
  void dkekCreateImport_passwordAndMofN_andKcvBeforeImport() throws Exception {
    cli.env.put("HSMKIT_DKEK_PASSWORD", "passwordpassword");
    Path pbe = home.resolve("s.pbe");
    String created = cli.ok("dkek", "create", pbe.toString()).out();
    assertThat(Files.size(pbe)).isEqualTo(64);
    String kcv = created.replaceAll("(?s).*only share: ([0-9A-F]{16}).*", "$1");
    assertThat(cli.ok("dkek", "kcv", pbe.toString()).out()).contains(kcv);
    cli.ok("init", "--so-pin", "3537363231383830", "--dkek-shares", "1");
    String imported = cli.ok("dkek", "import", pbe.toString()).out();
    assertThat(imported).contains("DKEK share imported").contains("DKEK shares          : 1")
        .contains("DKEK key check value : " + kcv);
    assertThat(cli.ok("status").out()).contains("DKEK key check value : " + kcv);
    assertThat(cli.run("dkek", "import", pbe.toString()).err()).contains("complete");
    assertThat(cli.run("dkek", "create", pbe.toString()).exit()).isEqualTo(2); // never overwritten

    // m-of-n: 3 of 5 custodians recreate the password
    Path mofn = home.resolve("m.pbe");
    Path shares = home.resolve("shares");
    String out = cli.ok("dkek", "create", mofn.toString(), "--threshold", "3", "--shares", "5",
        "--share-dir", shares.toString()).out();
    assertThat(out).doesNotContain("Share value").contains("share-5.txt");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(shares))).isEqualTo("rwx------");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(shares.resolve("share-1.txt")))).isEqualTo("rw-------");
    assertThat(Files.readString(shares.resolve("share-5.txt"))).contains("Share 5 of 5").contains("Prime       : ");
    cli.ok("init", "--so-pin", "3537363231383830", "--dkek-shares", "1", "--force");
    CliRunner.Result two = cli.run("dkek", "import", mofn.toString(), "--shares", "2",
        "--share-file", shares.resolve("share-1.txt").toString(),
        "--share-file", shares.resolve("share-3.txt").toString());
    // the shares say how many are needed: not a "wrong password?" after 10 million rounds
    assertThat(two.exit()).isEqualTo(2);
    assertThat(two.err()).contains("say any 3 recreate the password, but 2 were given")
        .doesNotContain("wrong password");
    String r = cli.ok("dkek", "import", mofn.toString(), "--shares", "3",
        "--share-file", shares.resolve("share-5.txt").toString(),
        "--share-file", shares.resolve("share-2.txt").toString(),
        "--share-file", shares.resolve("share-4.txt").toString()).out();
    assertThat(r).contains("DKEK share imported");
  }

  /**
   * on a terminal the m-of-n shares are shown one custodian at a time, each
   * after Enter and cleared after the next Enter; none reaches standard output.
   */
  @Test
  void dkekCreate_mOfN_onATerminal_showsOneShareAtATime() throws Exception {
    CliRunner.ScriptedTerminal term = new CliRunner.ScriptedTerminal("", "", "", "", "", "", "", "");
    cli.terminal = term;
    Path mofn = home.resolve("m.pbe");
    String out = cli.ok("dkek", "create", mofn.toString(), "--threshold", "2", "--shares", "4").out();
    assertThat(out).doesNotContain("Share value");
    String shown = term.shown.toString();
    String clear = "\033[H\033[2J";
    for (int i = 1; i <= 4; i++) {
      int prompt = shown.indexOf("Press Enter to show share " + i);
      int share = shown.indexOf("Share " + i + " of 4");
      int after = shown.indexOf("press Enter to clear", share);
      assertThat(prompt).as("share %d", i).isPositive().isLessThan(share);
      // nothing of the next share between its prompt and the clearing of this one
      assertThat(shown.substring(prompt, after)).doesNotContain("Share " + (i + 1) + " of");
      assertThat(shown.indexOf(clear, after)).isPositive();
    }
    assertThat(term.answers).isEmpty();

    // end of input before every custodian saw a share: the share file is useless and removed
    cli.terminal = new CliRunner.ScriptedTerminal("", "");
    Path gone = home.resolve("gone.pbe");
    CliRunner.Result r = cli.run("dkek", "create", gone.toString(), "--threshold", "2", "--shares", "3");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(gone).doesNotExist();
  }

  @Test
  void dkekImport_mOfNFileWithLeadingZeroPassword_importsWhereScHsmToolCannot() throws Exception {
    // an sc-hsm-tool file whose 8-byte password starts with 00: shares recombine to 7 bytes
    java.math.BigInteger prime = new java.math.BigInteger("f34a189de5197cfb", 16);
    byte[] password = HexFormat.of().parseHex("00ab12cd34ef5678");
    java.math.BigInteger secret = new java.math.BigInteger(1, password);
    java.math.BigInteger a1 = new java.math.BigInteger("1234567890abcdef", 16).mod(prime);
    Path shares = home.resolve("shares");
    Files.createDirectories(shares);
    for (int x = 1; x <= 2; x++) {
      java.math.BigInteger y = secret.add(a1.multiply(java.math.BigInteger.valueOf(x))).mod(prime);
      Files.writeString(shares.resolve("share-" + x + ".txt"), "Prime       : "
          + io.hsmkit.client.dkek.PasswordShares.format(prime) + "\nShare ID    : " + x
          + "\nShare value : " + io.hsmkit.client.dkek.PasswordShares.format(y) + "\n");
    }
    byte[] share = new byte[32];
    new java.security.SecureRandom().nextBytes(share);
    Path pbe = home.resolve("zero.pbe");
    Files.write(pbe, io.hsmkit.client.dkek.DkekShareFile.encrypt(share, password, new byte[8], null));
    cli.ok("init", "--so-pin", "3537363231383830", "--dkek-shares", "1");
    String out = cli.ok("dkek", "import", pbe.toString(), "--shares", "2",
        "--share-file", shares.resolve("share-1.txt").toString(),
        "--share-file", shares.resolve("share-2.txt").toString()).out();
    assertThat(out).contains("DKEK key check value : "
        + HexFormat.of().withUpperCase().formatHex(io.hsmkit.client.dkek.DkekShareFile.kcv(share)));
  }

  @Test
  void demo_runsTheWholeStory() {
    String out = cli.ok("demo").out();
    assertThat(out).contains("signature verifies: true").contains("Done:");
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("hsmkit principal --key-id 01\\n   (\\S+)\\n").matcher(out);
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).matches("([a-z2-7]{5}-){10}[a-z2-7]{3}");
    assertThat(out).contains("restored key 01, principal " + m.group(1));
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
