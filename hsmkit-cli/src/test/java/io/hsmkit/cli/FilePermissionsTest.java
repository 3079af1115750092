package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * share files, wrap files, backups and the hsmkit home are readable by their
 * owner only, whatever the umask (the build's is usually 022, which made them 0644/0755).
 */
class FilePermissionsTest {
  @TempDir Path tmp;

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void secretsAndBackups_areOwnerOnly() throws Exception {
    Path home = tmp.resolve("new/home");
    CliRunner cli = new CliRunner(home);
    cli.env.put("HSMKIT_PIN", "648219");
    cli.env.put("HSMKIT_DKEK_PASSWORD", "passwordpassword");
    cli.ok("init", "--so-pin", "3537363231383830", "--no-dkek");
    assertThat(mode(tmp.resolve("new"))).isEqualTo("rwx------");
    assertThat(mode(home)).isEqualTo("rwx------");
    assertThat(mode(home.resolve("token"))).isEqualTo("rwx------");

    Path pbe = tmp.resolve("share.pbe");
    cli.ok("dkek", "create", pbe.toString());
    assertThat(mode(pbe)).isEqualTo("rw-------");

    String spec = "emulated:" + tmp.resolve("t");
    byte[] dkek = new byte[32];
    java.util.Arrays.fill(dkek, (byte) 7);
    try (Token t = Token.open(TokenSpec.parse(spec))) {
      t.session().initialize(new InitializeRequest(HexFormat.of().parseHex("3537363231383830"),
          "648219".getBytes(), 1, 3, 1));
      t.session().importDkekShare(dkek);
    }
    cli.ok("--token", spec, "keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    Path wrap = tmp.resolve("k.bin");
    cli.ok("--token", spec, "wrap", "--key-ref", "1", wrap.toString());
    assertThat(mode(wrap)).isEqualTo("rw-------");
    Path backup = tmp.resolve("b/backup");
    cli.ok("--token", spec, "backup", backup.toString());
    assertThat(mode(backup)).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(backup)) {
      for (Path f : files.toList()) {
        assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
      }
    }
  }
}
