package io.hsmkit.cli.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Routes the libraries' {@link System.Logger} output (java.util.logging by default) to stderr as
 * one line per record, prefixed {@code hsmkit:}. The project's loggers log at INFO, or everything
 * down to TRACE with {@code --verbose}; other libraries only from WARNING. The APDU trace of
 * {@code --verbose} leaves out PINs, shares, key blobs and decrypted data ({@code
 * TracingTransport}), so verbose output is safe to share.
 */
public final class Logging {
  private static final String CONFIG_CLASS = "java.util.logging.config.class";

  private static PrintWriter err = new PrintWriter(System.err, true);
  private static boolean verbose;
  private static boolean started;

  private Logging() {}

  /**
   * Sets where and how much is logged. Starting java.util.logging costs a short command ~10 ms
   * (BENCHMARKS.md "CLI start-up") and most commands never log, so the settings are only recorded
   * here and applied by {@link Config} when the first logger is made, if ever; later calls apply
   * them at once. Logging is process-wide, so the last call wins.
   */
  public static synchronized void configure(PrintWriter err, boolean verbose) {
    Logging.err = err;
    Logging.verbose = verbose;
    if (started) {
      readConfiguration();
    } else {
      System.setProperty(CONFIG_CLASS, Config.class.getName());
    }
  }

  /**
   * Named by {@code java.util.logging.config.class}: the LogManager makes one when it starts, in
   * place of reading {@code logging.properties}, and takes the configuration it hands over.
   */
  public static final class Config {
    public Config() {
      synchronized (Logging.class) {
        started = true;
        readConfiguration();
      }
    }
  }

  /**
   * The one configuration, as properties: the LogManager resets every logger and handler to it
   * and keeps the levels by name, so loggers made later get them too.
   */
  private static void readConfiguration() {
    String props =
        "handlers=" + StderrHandler.class.getName() + "\n"
            + ".level=WARNING\n"
            + "io.hsmkit.level=" + (verbose ? "ALL" : "INFO") + "\n";
    try {
      LogManager.getLogManager()
          .readConfiguration(new ByteArrayInputStream(props.getBytes(StandardCharsets.ISO_8859_1)));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail to read
    }
  }

  /** One line per record to the writer of the last {@link #configure}. */
  public static final class StderrHandler extends Handler {
    private final PrintWriter out;

    public StderrHandler() {
      synchronized (Logging.class) {
        out = err;
        setFormatter(new OneLine(verbose));
      }
      setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord r) {
      if (!isLoggable(r)) {
        return;
      }
      synchronized (out) {
        out.print(getFormatter().format(r));
        out.flush();
      }
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      out.flush();
    }
  }

  private static final class OneLine extends Formatter {
    private final boolean verbose;

    OneLine(boolean verbose) {
      this.verbose = verbose;
    }

    @Override
    public String format(LogRecord r) {
      StringBuilder sb = new StringBuilder("hsmkit: ");
      if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
        sb.append(r.getLevel() == Level.SEVERE ? "error" : "warning").append(": ");
      }
      sb.append(formatMessage(r));
      Throwable t = r.getThrown();
      if (t != null) {
        if (verbose) {
          StringWriter sw = new StringWriter();
          t.printStackTrace(new PrintWriter(sw));
          sb.append(System.lineSeparator()).append(sw.toString().stripTrailing());
        } else {
          sb.append(": ").append(t);
        }
      }
      return sb.append(System.lineSeparator()).toString();
    }
  }
}
