package io.hsmkit.card.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A storage backend that fails one chosen step of a commit and then plays dead (every later
 * operation fails too, as in a process killed at that instant). It remembers the bytes of the last
 * commit that reached its rename and of the write under way, so a test can check that the state
 * found afterwards is exactly one of the two.
 */
final class FaultInjectingBackend implements StorageBackend {
  enum Mode {
    /** The step fails before it does anything. */
    BEFORE,
    /** The step does its work, then fails (the crash comes right after it). */
    AFTER,
    /** Only for the write: a prefix of the data reaches the file, then the crash. */
    TEAR
  }

  private final int faultAt;
  private final Mode mode;
  private int ops;
  private boolean armed;
  private boolean dead;
  byte[] pending;
  byte[] committed;

  FaultInjectingBackend(int faultAt, Mode mode) {
    this.faultAt = faultAt;
    this.mode = mode;
  }

  /** Starts counting steps: faults apply only to steps after this call. */
  void arm(byte[] committedBytes) {
    armed = true;
    committed = committedBytes;
  }

  int ops() {
    return ops;
  }

  boolean fired() {
    return dead;
  }

  private boolean faultNow() throws IOException {
    if (dead) {
      throw new IOException("process is dead");
    }
    if (!armed) {
      return false;
    }
    return ops++ == faultAt;
  }

  @Override
  public byte[] read(Path file) throws IOException {
    if (dead) {
      throw new IOException("process is dead");
    }
    return FILES.read(file);
  }

  @Override
  public void writeDurably(Path file, byte[] data) throws IOException {
    boolean fault = faultNow();
    pending = data.clone();
    if (!fault) {
      FILES.writeDurably(file, data);
      return;
    }
    dead = true;
    switch (mode) {
      case BEFORE -> {}
      case AFTER -> FILES.writeDurably(file, data);
      case TEAR -> Files.write(file, Arrays.copyOf(data, data.length / 2));
    }
    throw new IOException("injected fault in write (" + mode + ")");
  }

  @Override
  public void atomicReplace(Path source, Path target) throws IOException {
    boolean fault = faultNow();
    if (!fault) {
      FILES.atomicReplace(source, target);
      committed = pending;
      return;
    }
    dead = true;
    if (mode == Mode.AFTER) {
      FILES.atomicReplace(source, target);
      committed = pending;
    }
    throw new IOException("injected fault in rename (" + mode + ")");
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    boolean fault = faultNow();
    if (!fault) {
      FILES.syncDirectory(dir);
      return;
    }
    dead = true;
    throw new IOException("injected fault in directory sync (" + mode + ")");
  }
}
