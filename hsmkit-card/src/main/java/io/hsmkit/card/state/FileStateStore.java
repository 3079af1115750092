package io.hsmkit.card.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A card state in a directory: one state file written atomically (temp file, fsync, atomic rename,
 * fsync of the directory) with a generation counter, plus a lock file that keeps a second process
 * out.
 *
 * <p>Why files and not an embedded database: the whole state is small (keys and EFs of a device
 * with 80 KB of EEPROM), so rewriting it on every change costs one fsync, the same as a database
 * commit, while the format stays explicit, versioned and free of native code. Rename is atomic on
 * POSIX file systems, so a crash leaves the old or the new file, never a mix.
 */
public final class FileStateStore implements StateStore {
  public static final String STATE_FILE = "card.state";
  /** Extra free space a commit that adds a key needs ({@link #checkSpace}). */
  static final long KEY_HEADROOM = 256 * 1024;
  static final String TEMP_FILE = "card.state.tmp";
  static final String LOCK_FILE = "lock";
  private static final Set<PosixFilePermission> DIR_PERMS =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_PERMS =
      PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final Path stateFile;
  private final StorageBackend backend;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private CardState current;
  private long generation;
  private boolean closed;
  private boolean failed;

  private FileStateStore(Path dir, FileChannel lockChannel, FileLock lock, StorageBackend backend) {
    this.dir = dir;
    this.backend = backend;
    this.stateFile = dir.resolve(STATE_FILE);
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens the state in {@code dir}, creating the directory and a factory-new state from {@code
   * factoryNew} when there is none yet.
   *
   * @throws StateException if the state is damaged, of another format version, or in use by
   *     another process
   */
  public static FileStateStore open(Path dir, Supplier<CardState> factoryNew)
      throws StateException {
    return open(dir, factoryNew, StorageBackend.FILES);
  }

  /** Opens the state with an explicit storage backend (tests inject faults through it). */
  public static FileStateStore open(
      Path dir, Supplier<CardState> factoryNew, StorageBackend backend) throws StateException {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        createPrivateParents(abs.getParent());
        try {
          Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR_PERMS));
          Files.setPosixFilePermissions(abs, DIR_PERMS);
        } catch (FileAlreadyExistsException raced) {
          // another process created it first; the lock below sorts out who may use it
        }
      } else if (!Files.isDirectory(abs)) {
        throw new StateException(abs + " exists and is not a directory");
      }
    } catch (IOException e) {
      throw new StateException("cannot create card state directory " + abs + ": " + e, e);
    }
    FileChannel channel = null;
    try {
      Path lockPath = abs.resolve(LOCK_FILE);
      channel =
          FileChannel.open(
              lockPath, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(FILE_PERMS));
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        java.util.OptionalLong holder = lockHolder(lockPath);
        throw new StateBusyException("card state " + abs + " is in use by "
            + (holder.isPresent() ? "process " + holder.getAsLong() : "another process")
            + " (lock on " + lockPath + ")", holder);
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      FileStateStore store = new FileStateStore(abs, channel, lock, backend);
      store.load(factoryNew);
      return store;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StateException("cannot open card state " + abs + ": " + e.getMessage(), e);
    } catch (StateException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private void load(Supplier<CardState> factoryNew) throws StateException, IOException {
    Files.deleteIfExists(dir.resolve(TEMP_FILE)); // a write that never reached its rename
    byte[] bytes;
    try {
      bytes = backend.read(stateFile);
    } catch (NoSuchFileException e) {
      CardState fresh = factoryNew.get();
      this.generation = 0;
      write(StateCodec.encode(fresh, 1));
      this.current = fresh.copy();
      this.generation = 1;
      return;
    }
    StateCodec.Decoded decoded = StateCodec.decode(bytes, stateFile.toString());
    this.current = decoded.state();
    this.generation = decoded.generation();
  }

  public Path directory() {
    return dir;
  }

  /** Incremented by every commit; lets tests and tools tell two states apart. */
  public synchronized long generation() {
    return generation;
  }

  @Override
  public synchronized CardState current() {
    if (closed) {
      throw new IllegalStateException("state store " + dir + " is closed");
    }
    return current;
  }

  /**
   * Commits a copy of {@code draft}. If any step fails, what is on disk is unknown to the caller
   * (the rename may or may not have happened), so the store re-reads the file: memory then follows disk and a
   * PIN try that reached the disk is never given back by the card carrying on with an older copy.
   * If even that read fails, the store refuses all further use, like a card that lost power.
   */
  @Override
  public synchronized void commit(StateDraft draft) throws StateException {
    ensureOpen();
    CardState next = draft.snapshot();
    byte[] bytes = StateCodec.encode(next, generation + 1);
    checkSpace(next, bytes.length);
    try {
      write(bytes);
    } catch (IOException e) {
      resyncAfterFailedWrite();
      String why = e instanceof java.nio.file.AccessDeniedException
          ? "permission denied (is the directory read-only?)" : e.getMessage();
      throw new StateException("cannot write " + stateFile + ": " + why, e);
    }
    generation++;
    current = next;
  }

  /**
   * Free space a commit needs: room for the new file, and for one that adds a key, {@link
   * #KEY_HEADROOM} more. A key is made by several commands (OpenSC writes its certificate and
   * description after GENERATE or UNWRAP), so the key is refused while the disk is nearly full
   * rather than left half made when a later command finds it full.
   */
  private void checkSpace(CardState next, int size) throws StateException {
    long need = size + (next.keys().size() > current.keys().size() ? KEY_HEADROOM : 0);
    long free;
    try {
      free = backend.usableSpace(dir);
    } catch (IOException e) {
      return; // unknown: the write itself will tell
    }
    if (free < need) {
      throw new StateException("no space left on device for " + stateFile + " (" + free / 1024
          + " KiB free, " + (need + 1023) / 1024 + " KiB needed); free some space and retry");
    }
  }

  private void resyncAfterFailedWrite() throws StateException {
    try {
      StateCodec.Decoded d = StateCodec.decode(backend.read(stateFile), stateFile.toString());
      current = d.state();
      generation = d.generation();
    } catch (IOException | StateException e) {
      failed = true;
      throw new StateException(
          "card state " + stateFile + " could not be written nor re-read; reopen it", e);
    }
  }

  private void write(byte[] bytes) throws IOException {
    Path tmp = dir.resolve(TEMP_FILE);
    backend.writeDurably(tmp, bytes);
    backend.atomicReplace(tmp, stateFile);
    backend.syncDirectory(dir);
  }

  private void ensureOpen() throws StateException {
    if (closed) {
      throw new IllegalStateException("state store " + dir + " is closed");
    }
    if (failed) {
      throw new StateException("card state " + stateFile + " is in an unknown condition; reopen it");
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
    } catch (IOException ignored) {
      // the lock goes with the channel anyway
    }
    closeQuietly(lockChannel);
  }

  /**
   * The PID the holder wrote into the lock file, if that process is alive: a holder that has not
   * written its PID yet leaves the one of an earlier, dead holder there, which must not be named.
   */
  static java.util.OptionalLong lockHolder(Path lockPath) {
    try {
      long pid = Long.parseLong(Files.readString(lockPath, StandardCharsets.US_ASCII).strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()
          ? java.util.OptionalLong.of(pid) : java.util.OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /** Missing parents (e.g. a new HSMKIT_HOME) are made 0700 too, whatever the umask. */
  private static void createPrivateParents(Path dir) throws IOException {
    if (dir == null || Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    createPrivateParents(dir.getParent());
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMS));
      Files.setPosixFilePermissions(dir, DIR_PERMS);
    } catch (FileAlreadyExistsException raced) {
      // made by another process meanwhile
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
