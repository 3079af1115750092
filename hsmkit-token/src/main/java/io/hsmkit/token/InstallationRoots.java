package io.hsmkit.token;

import io.hsmkit.card.InstallationRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Map;

/**
 * Where the installation root of emulated cards lives (SECURITY.md "Card identity and PKA
 * trust"): {@value #ENV} if set, else {@value #FILE} next to the card's state directory (so the
 * cards in {@code $HSMKIT_HOME} share one). Read, or made on first use, only when a new card is
 * created; an existing card keeps the chain it was made with.
 */
public final class InstallationRoots {
  public static final String ENV = "HSMKIT_INSTALLATION_ROOT";
  public static final String FILE = "installation-root";

  private InstallationRoots() {}

  /** The root file for a card in {@code cardDir}. */
  public static Path location(Path cardDir, Map<String, String> env) {
    String v = env.get(ENV);
    if (v != null && !v.isBlank()) {
      return Path.of(v);
    }
    Path parent = cardDir.toAbsolutePath().normalize().getParent();
    return (parent == null ? Path.of("/") : parent).resolve(FILE);
  }

  /**
   * The root in {@code file}, made there (0600, atomically: of two processes racing, both end up
   * with the one that was linked first) if there is none.
   *
   * @throws UncheckedIOException if it cannot be read or written
   * @throws IllegalArgumentException if the file is not an installation root
   */
  public static InstallationRoot loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return InstallationRoot.decode(Files.readAllBytes(file));
      }
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      InstallationRoot root =
          InstallationRoot.create(new SecureRandom(), LocalDate.now());
      Path tmp = Files.createTempFile(dir, FILE, ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(tmp, root.encode());
        try (var ch = java.nio.channels.FileChannel.open(tmp,
            java.nio.file.StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        try {
          Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException raced) {
          return InstallationRoot.decode(Files.readAllBytes(file));
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("installation root " + file + ": " + e.getMessage(), e);
    }
  }
}
