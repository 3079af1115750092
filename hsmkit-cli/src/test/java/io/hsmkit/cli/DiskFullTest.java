package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.CardOs;
import io.hsmkit.card.state.StorageBackend;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.token.CardEnvironments;
import io.hsmkit.token.Token;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * a disk that fills up during {@code keys generate} leaves no key without id or
 * label, and the error names the cause and the state file.
 */
class DiskFullTest {
  @TempDir Path dir;

  /** The real file system with a pretend amount of free space and an optional one-shot failure. */
  static final class SmallDisk implements StorageBackend {
    long free = Long.MAX_VALUE;
    int failWrite = -1;
    int writes;

    @Override
    public byte[] read(Path file) throws IOException {
      return FILES.read(file);
    }

    @Override
    public void writeDurably(Path file, byte[] data) throws IOException {
      if (writes++ == failWrite || data.length > free) {
        throw new IOException("No space left on device");
      }
      FILES.writeDurably(file, data);
    }

    @Override
    public void atomicReplace(Path source, Path target) throws IOException {
      FILES.atomicReplace(source, target);
    }

    @Override
    public void syncDirectory(Path d) throws IOException {
      FILES.syncDirectory(d);
    }

    @Override
    public long usableSpace(Path d) {
      return free;
    }
  }

  Token open(SmallDisk disk) throws Exception {
    Map<String, String> env = new HashMap<>();
    String kdf = System.getenv("HSMKIT_CARD_KDF");
    if (kdf != null) {
      env.put("HSMKIT_CARD_KDF", kdf);
    }
    Token t = Token.embedded(CardOs.open(dir, CardEnvironments.environment(null, env), disk), dir);
    t.session().initialize(new InitializeRequest(HexFormat.of().parseHex("3537363231383830"),
        "648219".getBytes(), 1, 3, null));
    t.session().verifyPin("648219".getBytes());
    return t;
  }

  @Test
  void nearlyFullDisk_generateIsRefusedUpFront_messageNamesCauseAndFile() throws Exception {
    SmallDisk disk = new SmallDisk();
    try (Token t = open(disk)) {
      disk.free = 100 * 1024;
      KeyManager km = new KeyManager(t.session());
      HsmException e = org.junit.jupiter.api.Assertions.assertThrows(HsmException.class,
          () -> km.generate(KeySpec.parse("ec:secp256r1"), new byte[] {1}, "k"));
      String msg = TokenCommand.explain(e, t).getMessage();
      assertThat(msg).contains("no space left on device").contains(dir.resolve("card.state").toString());
      assertThat(km.keyRefs()).isEmpty();
    }
  }

  @Test
  void writeFailsAfterGenerate_theHalfMadeKeyIsRemoved() throws Exception {
    SmallDisk disk = new SmallDisk();
    try (Token t = open(disk)) {
      disk.failWrite = disk.writes + 2; // GENERATE, certificate, then the description fails
      KeyManager km = new KeyManager(t.session());
      assertThatThrownBy(() -> km.generate(KeySpec.parse("ec:secp256r1"), new byte[] {1}, "k"))
          .isInstanceOf(HsmException.class)
          .satisfies(e -> assertThat(TokenCommand.explain((HsmException) e, t).getMessage())
              .contains("No space left on device").contains("removed again"));
      assertThat(km.keyRefs()).isEmpty();
      assertThat(t.session().enumerate()).noneMatch(fid -> (fid >>> 8) == 0xCE || (fid >>> 8) == 0xC4);
    }
  }
}
