package io.hsmkit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A child process's stderr read line by line as it comes (and copied to a file), so that a test
 * waits for the line that says something happened instead of sleeping and re-reading a file.
 */
final class StderrLines {
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;
  private boolean ended;

  private StderrLines(Process process, Path copy) {
    reader = new Thread(() -> pump(process, copy), "stderr-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code pb} with its stderr piped here and copied to {@code copy}. */
  static Started start(ProcessBuilder pb, Path copy) throws IOException {
    Process p = pb.redirectError(ProcessBuilder.Redirect.PIPE).start();
    return new Started(p, new StderrLines(p, copy));
  }

  record Started(Process process, StderrLines stderr) {}

  private void pump(Process process, Path copy) {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line);
        out.write('\n');
        out.flush();
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /**
   * Waits until {@code count} lines match; fails if the process closes stderr first or after
   * {@code timeout} (a bound against hanging, not a synchronisation).
   */
  synchronized List<String> await(Predicate<String> match, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> hits = lines.stream().filter(match).toList();
      if (hits.size() >= count) {
        return hits;
      }
      long left = deadline - System.nanoTime();
      if (ended || left <= 0) {
        throw new AssertionError("only " + hits.size() + " of " + count
            + " expected stderr lines" + (ended ? " before the process ended" : " in " + timeout)
            + ":\n" + String.join("\n", lines));
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Everything, once the process has closed stderr (waits for that, {@code timeout} at most). */
  String all(Duration timeout) throws InterruptedException {
    reader.join(timeout.toMillis());
    synchronized (this) {
      if (!ended) {
        throw new AssertionError("stderr still open after " + timeout);
      }
      return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    }
  }
}
