package io.hsmkit.bridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures the records of one logger (the JDK's System.Logger backend) so that a test can wait for
 * an event the code logs (a refused connection, a retry) instead of sleeping.
 */
final class LogWatch extends Handler implements AutoCloseable {
  private final Logger logger;
  private final Level oldLevel;
  private final List<LogRecord> records = new ArrayList<>();

  LogWatch(Class<?> source) {
    logger = Logger.getLogger(source.getName());
    oldLevel = logger.getLevel();
    logger.setLevel(Level.ALL);
    setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord r) {
    records.add(r);
    notifyAll();
  }

  /** Waits until {@code count} records match; fails after {@code timeout} (a bound, not a sync). */
  synchronized List<LogRecord> await(Predicate<LogRecord> match, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<LogRecord> hits = records.stream().filter(match).toList();
      if (hits.size() >= count) {
        return hits;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "only " + hits.size() + " of " + count + " expected log records in " + timeout);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  static Predicate<LogRecord> messageStartsWith(String prefix) {
    return r -> r.getMessage() != null && r.getMessage().startsWith(prefix);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(oldLevel);
  }
}
