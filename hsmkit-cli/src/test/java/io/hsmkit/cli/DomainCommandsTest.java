package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.dkek.DkekShareFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code init --key-domains}, {@code domain create|import|status|delete} and {@code --domain} on an embedded token. */
class DomainCommandsTest {
  static final String PASSWORD = "share-password";
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(home);
    cli.env.put("HSMKIT_PIN", "648219");
    cli.env.put("HSMKIT_SO_PIN", "3537363231383830");
    cli.env.put("HSMKIT_DKEK_PASSWORD", PASSWORD);
    cli.ok("init", "--dkek-shares", "1", "--key-domains", "3");
  }

  Path shareFile(String name, int fill) throws Exception {
    byte[] share = new byte[32];
    Arrays.fill(share, (byte) fill);
    Path f = home.resolve(name);
    Files.write(f, DkekShareFile.encrypt(share, PASSWORD.getBytes(StandardCharsets.US_ASCII),
        new byte[8], null));
    return f;
  }

  static String kcv(int fill) {
    byte[] share = new byte[32];
    Arrays.fill(share, (byte) fill);
    return HexFormat.of().withUpperCase().formatHex(io.hsmkit.client.dkek.DkekShareFile.kcv(share));
  }

  @Test
  void createImportStatusDelete_andKeysInADomain() throws Exception {
    Path a = shareFile("a.pbe", 0x11);
    Path b = shareFile("b.pbe", 0x22);
    cli.ok("domain", "import", "--domain", "0", "--share-file", a.toString());
    assertThat(cli.ok("domain", "create", "--domain", "1", "--shares", "1").out()).contains("Key domain 1 created");
    String imported = cli.ok("domain", "import", "--domain", "1", "--share-file", b.toString()).out();
    assertThat(imported).contains("DKEK key check value").contains(kcv(0x22));

    String all = cli.ok("domain", "status").out();
    assertThat(all).contains("Key domain 0").contains(kcv(0x11)).contains("Key domain 1")
        .contains(kcv(0x22)).contains("Key domain 2: empty").doesNotContain("Key domain 3");
    assertThat(cli.ok("domain", "status", "--domain", "1").out()).contains(kcv(0x22))
        .doesNotContain(kcv(0x11));

    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--label", "in-one", "--domain", "1");
    CliRunner.Result missing = cli.run("keys", "generate", "--type", "ec:secp256r1", "--domain", "2");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no key domain 2");

    Path wrapped = home.resolve("k.bin");
    cli.ok("wrap", "--key-ref", "1", wrapped.toString());
    byte[] blobKcv = Arrays.copyOfRange(io.hsmkit.client.backup.WrapFile.decode(Files.readAllBytes(wrapped)).blob(), 0, 8);
    assertThat(HexFormat.of().withUpperCase().formatHex(blobKcv)).isEqualTo(kcv(0x22));

    // unwrap with --domain: a file of domain 1 is refused for domain 0 and accepted for 1
    cli.ok("keys", "delete", "--key-ref", "1", "--force");
    CliRunner.Result wrong = cli.run("unwrap", wrapped.toString(), "--key-ref", "5", "--domain", "0");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("KCV " + kcv(0x22));
    cli.ok("unwrap", wrapped.toString(), "--key-ref", "5", "--domain", "1");

    // delete: refused without confirmation, refused by the card while keys use it
    CliRunner.Result unconfirmed = cli.run("domain", "delete", "--domain", "1");
    assertThat(unconfirmed.exit()).isEqualTo(2);
    assertThat(unconfirmed.err()).contains("--force");
    CliRunner.Result used = cli.run("domain", "delete", "--domain", "1", "--force");
    assertThat(used.exit()).isEqualTo(1);
    assertThat(used.err()).contains("still has keys");
    cli.ok("keys", "delete", "--key-ref", "5", "--force");
    cli.ok("domain", "delete", "--domain", "1", "--force");
    assertThat(cli.ok("domain", "status", "--domain", "1").out()).contains("Key domain 1: empty");
  }

  @Test
  void restore_intoADomain_checksItsKcv() throws Exception {
    Path a = shareFile("a.pbe", 0x11);
    cli.ok("domain", "import", "--domain", "0", "--share-file", a.toString());
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--label", "k");
    Path dir = home.resolve("backup");
    cli.ok("backup", dir.toString());
    // another token: domain 0 has another DKEK, domain 2 has this one
    cli.env.put("HSMKIT_TOKEN", "emulated:" + home.resolve("other"));
    String other = "emulated:" + home.resolve("other");
    cli.ok("--token", other, "init", "--dkek-shares", "1", "--key-domains", "3");
    cli.ok("--token", other, "domain", "import", "--domain", "0", "--share-file", shareFile("c.pbe", 0x33).toString());
    cli.ok("--token", other, "domain", "create", "--domain", "2", "--shares", "1");
    CliRunner.Result mismatch = cli.run("--token", other, "restore", dir.toString());
    assertThat(mismatch.exit()).isEqualTo(1);
    assertThat(mismatch.err()).contains("mismatch");
    CliRunner.Result incomplete = cli.run("--token", other, "restore", dir.toString(), "--domain", "2");
    assertThat(incomplete.err()).contains("key domain 2");
    cli.ok("--token", other, "domain", "import", "--domain", "2", "--share-file", a.toString());
    cli.ok("--token", other, "restore", dir.toString(), "--domain", "2", "--verify");
    assertThat(cli.ok("--token", other, "keys", "list").out()).contains("k");
  }

  /** A backup of keys from two domains restores in one go, each key into its domain again. */
  @Test
  void backupRestore_keysOfSeveralDomains() throws Exception {
    Path a = shareFile("a.pbe", 0x11);
    Path b = shareFile("b.pbe", 0x22);
    cli.ok("domain", "import", "--domain", "0", "--share-file", a.toString());
    cli.ok("domain", "create", "--domain", "1", "--shares", "1");
    cli.ok("domain", "import", "--domain", "1", "--share-file", b.toString());
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--label", "zero");
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--label", "one", "--domain", "1");
    Path dir = home.resolve("backup");
    cli.ok("backup", dir.toString());

    String other = "emulated:" + home.resolve("other");
    cli.ok("--token", other, "init", "--dkek-shares", "1", "--key-domains", "2");
    cli.ok("--token", other, "domain", "import", "--domain", "0", "--share-file", a.toString());
    // domain 1's KEK is not there yet: the domain-1 key's file is refused, nothing restored
    CliRunner.Result missing = cli.run("--token", other, "restore", dir.toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("DKEK mismatch").contains("KCV " + kcv(0x22))
        .contains("nothing was changed");
    assertThat(cli.ok("--token", other, "keys", "list").out()).contains("No keys.");
    // nor does --domain 0 take it
    assertThat(cli.run("--token", other, "restore", dir.toString(), "--domain", "0").err())
        .contains("DKEK mismatch");

    cli.ok("--token", other, "domain", "create", "--domain", "1", "--shares", "1");
    cli.ok("--token", other, "domain", "import", "--domain", "1", "--share-file", b.toString());
    assertThat(cli.ok("--token", other, "restore", dir.toString(), "--verify").out())
        .contains("Restored 2 keys, each verified");
    // each key is in its domain again: wrapped, it carries that domain's KCV
    String keys = cli.ok("--token", other, "keys", "list").out();
    assertThat(keys).contains("zero").contains("one");
    for (var e : io.hsmkit.client.backup.BackupManager.readManifest(dir).keys()) {
      Path w = home.resolve("w-" + e.keyRef() + ".bin");
      cli.ok("--token", other, "wrap", "--key-ref", String.valueOf(e.keyRef()), w.toString());
      byte[] blob = io.hsmkit.client.backup.WrapFile.decode(Files.readAllBytes(w)).blob();
      assertThat(HexFormat.of().withUpperCase().formatHex(Arrays.copyOf(blob, 8)))
          .isEqualTo(kcv(e.label().equals("one") ? 0x22 : 0x11));
    }
  }

  @Test
  void badArguments() {
    assertThat(cli.run("init", "--force", "--dkek-shares", "1", "--key-domains", "0").exit()).isEqualTo(2);
    assertThat(cli.run("init", "--force", "--dkek-shares", "1", "--key-domains", "256").exit()).isEqualTo(2);
    assertThat(cli.run("domain", "create", "--domain", "1", "--shares", "0").exit()).isEqualTo(2);
    assertThat(cli.run("domain", "create", "--domain", "255", "--shares", "1").exit()).isEqualTo(2);
    CliRunner.Result noSlot = cli.run("domain", "create", "--domain", "3", "--shares", "1");
    assertThat(noSlot.exit()).isEqualTo(1);
    assertThat(noSlot.err()).contains("no key-domain slot 3");
    cli.ok("domain", "create", "--domain", "1", "--shares", "2");
    CliRunner.Result again = cli.run("domain", "create", "--domain", "1", "--shares", "2");
    assertThat(again.err()).contains("exists already");
    assertThat(cli.run("domain", "import", "--domain", "1", "--share-file", home.resolve("none.pbe").toString()).exit()).isEqualTo(2);
  }

  @Test
  void import_takesThePasswordFromTheEnvironmentOnly() throws Exception {
    Path a = shareFile("a.pbe", 0x11);
    cli.env.remove("HSMKIT_DKEK_PASSWORD");
    CliRunner.Result r = cli.run("domain", "import", "--domain", "0", "--share-file", a.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("HSMKIT_DKEK_PASSWORD").contains("never taken from the command line");
    CliRunner.Result argv = cli.run("domain", "import", "--domain", "0", "--share-file", a.toString(),
        "--password", PASSWORD);
    assertThat(argv.exit()).isEqualTo(2); // no such option
    assertThat(cli.ok("domain", "status", "--domain", "0").out()).contains("still missing");
  }
}
