package io.hsmkit.bridge;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When each command APDU arrived, when the card had its answer and when the answer left, for the
 * end-to-end benchmark: it tells hsmkit's share of a PC/SC round trip (frame read to answer
 * written) from pcscd's and the client's, splits that share into the card's work and the write
 * (the kernel's loopback delivery, which also wakes pcscd: at idle a wake-up on another CPU, which
 * vpcd-null's write pays as well), and gives the gap from one answer to the next command, which
 * sizes the spin of {@link VpcdClient.Config#spin()}.
 *
 * <p>Times are {@link System#nanoTime()}, which HotSpot on Linux takes from {@code
 * CLOCK_MONOTONIC}, the clock the C benchmark client uses, so the two can be lined up. Nothing of
 * an APDU but its INS byte is kept. The log is a fixed ring allocated up front (no allocation per
 * APDU); when it is full the oldest entries are overwritten. Written by the one serving thread,
 * read after serving has stopped ({@link VpcdClient#awaitTermination} orders the two).
 */
public final class ApduTimeLog {
  private final long[] in;
  private final long[] answered;
  private final long[] out;
  private final byte[] ins;
  private long count;

  /** A log that keeps the last {@code capacity} APDUs. */
  public ApduTimeLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    in = new long[capacity];
    answered = new long[capacity];
    out = new long[capacity];
    ins = new byte[capacity];
  }

  /**
   * Records one APDU: frame fully read at {@code readNanos}, the card's answer there at {@code
   * answeredNanos}, written at {@code writtenNanos}.
   */
  void record(int insByte, long readNanos, long answeredNanos, long writtenNanos) {
    int i = (int) (count % in.length);
    in[i] = readNanos;
    answered[i] = answeredNanos;
    out[i] = writtenNanos;
    ins[i] = (byte) insByte;
    count++;
  }

  /** How many APDUs were recorded in all (also those overwritten since). */
  public long count() {
    return count;
  }

  /**
   * Writes the kept entries, oldest first, one per line: {@code read_ns answered_ns written_ns
   * INS} (INS in hex). Call it after the serving thread has stopped.
   */
  public void writeTo(Path file) throws IOException {
    int n = (int) Math.min(count, in.length);
    int first = (int) ((count - n) % in.length);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int k = 0; k < n; k++) {
        int i = (first + k) % in.length;
        w.write(Long.toString(in[i]));
        w.write(' ');
        w.write(Long.toString(answered[i]));
        w.write(' ');
        w.write(Long.toString(out[i]));
        w.write(' ');
        w.write(String.format("%02X", ins[i] & 0xFF));
        w.write('\n');
      }
    }
  }
}
