package io.hsmkit.card.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file operations a {@link FileStateStore} commit is made of. A seam so tests can fail or tear
 * any single step (issue: crash safety) and check that the state survives as the old or the new
 * one.
 */
public interface StorageBackend {

  byte[] read(Path file) throws IOException;

  /** Writes {@code data} to {@code file} (created 0600 or truncated) and forces it to disk. */
  void writeDurably(Path file, byte[] data) throws IOException;

  /** Renames {@code source} over {@code target} atomically. */
  void atomicReplace(Path source, Path target) throws IOException;

  /** Forces a directory entry change (the rename) to disk. */
  void syncDirectory(Path dir) throws IOException;

  /** Bytes free for this process on the file system of {@code dir}. */
  default long usableSpace(Path dir) throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }

  /** The real file system. */
  StorageBackend FILES = new StorageBackend() {
    private final Set<PosixFilePermission> filePerms = PosixFilePermissions.fromString("rw-------");

    @Override
    public byte[] read(Path file) throws IOException {
      return Files.readAllBytes(file);
    }

    @Override
    public void writeDurably(Path file, byte[] data) throws IOException {
      try (FileChannel ch =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(filePerms))) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
    }

    @Override
    public void atomicReplace(Path source, Path target) throws IOException {
      try {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + target.getParent()
            + " cannot rename atomically", e);
      }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    }
  };
}
