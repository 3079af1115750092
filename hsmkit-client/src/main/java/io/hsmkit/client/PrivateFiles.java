package io.hsmkit.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Files only their owner reads: share files, wrap files, backups, the hsmkit home. Created 0600
 * (directories 0700) at creation, so no other user can open them in between, and set so again
 * afterwards, so the result does not depend on the umask.
 */
public final class PrivateFiles {
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  /** Creates {@code dir} and its missing parents, each 0700; existing ones are left alone. */
  public static void createDirectories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIR));
        Files.setPosixFilePermissions(p, DIR);
      } catch (FileAlreadyExistsException raced) {
        // made by someone else meanwhile: not ours to change
      }
    }
  }

  /** Writes a new file (refused if it exists) readable by its owner only. */
  public static void writeNew(Path file, byte[] data) throws IOException {
    write(file, data, StandardOpenOption.CREATE_NEW);
  }

  /** Replaces {@code target} atomically by a 0600 file with {@code data}. */
  public static void writeAtomically(Path target, byte[] data) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    write(tmp, data, StandardOpenOption.CREATE_NEW);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void write(Path file, byte[] data, OpenOption create) throws IOException {
    try (FileChannel ch = FileChannel.open(file, Set.of(create, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(FILE))) {
      Files.setPosixFilePermissions(file, FILE);
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }
}
