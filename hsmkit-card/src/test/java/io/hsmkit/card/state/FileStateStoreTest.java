package io.hsmkit.card.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.TestCard;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreTest {
  @TempDir Path tmp;

  @Test
  void open_missingDirectory_createsFactoryNewCardWithPrivatePermissions() throws Exception {
    Path dir = tmp.resolve("token");
    try (CardOs card = CardOs.open(dir, TestCard.env())) {
      assertThat(card.state().initialized()).isFalse();
      assertThat(card.state().soTriesLeft()).isEqualTo(15);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(FileStateStore.STATE_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void reopen_keepsEverythingCommitted() throws Exception {
    Path dir = tmp.resolve("token");
    String chr;
    try (CardOs card = CardOs.open(dir, TestCard.env())) {
      TestCard t = new TestCard(card).initialized().loggedIn();
      t.updateBinary(0xCF01, 0, "0102");
      t.verify("000000");
      chr = card.deviceChr();
    }
    try (CardOs card = CardOs.open(dir, TestCard.env())) {
      assertThat(card.deviceChr()).isEqualTo(chr);
      assertThat(card.state().initialized()).isTrue();
      assertThat(card.state().file(0xCF01)).containsExactly(1, 2);
      assertThat(card.state().userTriesLeft()).isEqualTo(2);
      // the login itself is volatile
      assertThat(new TestCard(card).sw("00200081").value()).isEqualTo(0x63C2);
    }
  }

  @Test
  void open_twice_secondIsRefusedWithClearError() throws Exception {
    Path dir = tmp.resolve("token");
    try (CardOs card = CardOs.open(dir, TestCard.env())) {
      assertThatThrownBy(() -> CardOs.open(dir, TestCard.env()))
          .isInstanceOf(StateException.class)
          .hasMessageContaining("in use");
    }
    // after close it opens again
    CardOs.open(dir, TestCard.env()).close();
  }

  @Test
  void open_damagedState_isRefusedNamingTheFile() throws Exception {
    Path dir = tmp.resolve("token");
    CardOs.open(dir, TestCard.env()).close();
    Path file = dir.resolve(FileStateStore.STATE_FILE);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x01);
    }
    byte[] damaged = Files.readAllBytes(file);
    assertThatThrownBy(() -> CardOs.open(dir, TestCard.env()))
        .isInstanceOf(StateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("damaged");
    // never silently reset
    assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
  }

  @Test
  void open_truncatedState_isRefused() throws Exception {
    Path dir = tmp.resolve("token");
    CardOs.open(dir, TestCard.env()).close();
    Path file = dir.resolve(FileStateStore.STATE_FILE);
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 40));
    assertThatThrownBy(() -> CardOs.open(dir, TestCard.env()))
        .isInstanceOf(StateException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void open_leftoverTempFile_isIgnoredAndRemoved() throws Exception {
    Path dir = tmp.resolve("token");
    CardOs.open(dir, TestCard.env()).close();
    Files.write(dir.resolve("card.state.tmp"), new byte[] {1, 2, 3});
    try (CardOs card = CardOs.open(dir, TestCard.env())) {
      assertThat(card.state().initialized()).isFalse();
    }
    assertThat(dir.resolve("card.state.tmp")).doesNotExist();
  }

  @Test
  void codec_roundTripsAndRejectsOtherVersions() throws Exception {
    CardOs card = CardOs.inMemory(TestCard.env());
    new TestCard(card).initialized().loggedIn().updateBinary(0xC901, 0, "AABBCC");
    byte[] enc = StateCodec.encode(card.state(), 7);
    StateCodec.Decoded d = StateCodec.decode(enc, "x");
    assertThat(d.generation()).isEqualTo(7);
    assertThat(d.state()).isEqualTo(card.state());
    enc[9] = 3; // version 3
    assertThatThrownBy(() -> StateCodec.decode(enc, "x")).isInstanceOf(StateException.class);
  }

  @Test
  void generation_increasesWithEveryCommit() throws Exception {
    Path dir = tmp.resolve("token");
    CardOs.open(dir, TestCard.env()).close();
    try (FileStateStore s = FileStateStore.open(dir, () -> null)) {
      long g = s.generation();
      s.commit(s.current().edit());
      assertThat(s.generation()).isEqualTo(g + 1);
    }
  }

  @Test
  void failedCommitAfterRename_memoryFollowsDisk_soAPinTryIsNeverGivenBack() throws Exception {
    Path dir = tmp.resolve("token");
    boolean[] failNextSync = {false};
    StorageBackend flaky =
        new StorageBackend() {
          @Override
          public byte[] read(Path file) throws java.io.IOException {
            return FILES.read(file);
          }

          @Override
          public void writeDurably(Path file, byte[] data) throws java.io.IOException {
            FILES.writeDurably(file, data);
          }

          @Override
          public void atomicReplace(Path source, Path target) throws java.io.IOException {
            FILES.atomicReplace(source, target);
          }

          @Override
          public void syncDirectory(Path d) throws java.io.IOException {
            if (failNextSync[0]) {
              failNextSync[0] = false;
              throw new java.io.IOException("EIO");
            }
            FILES.syncDirectory(d);
          }
        };
    try (CardOs card = CardOs.open(dir, TestCard.env(), flaky)) {
      TestCard t = new TestCard(card).initialized();
      failNextSync[0] = true;
      // the decrement reached the disk, then the commit reported failure: no comparison happens
      assertThat(t.verify("000000").value()).isEqualTo(0x6581);
      assertThat(t.sw("00200081").value()).isEqualTo(0x63C2);
      assertThat(card.state().userTriesLeft()).isEqualTo(2);
    }
  }
}
