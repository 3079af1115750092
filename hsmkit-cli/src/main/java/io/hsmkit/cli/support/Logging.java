package io.hsmkit.cli.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes the libraries' {@link System.Logger} output (java.util.logging by default) to stderr as
 * one line per record, prefixed {@code hsmkit:}. The project's loggers log at INFO, or everything
 * down to TRACE with {@code --verbose}; other libraries only from WARNING. The libraries never log
 * APDU data or secrets, so verbose output is safe to share.
 */
public final class Logging {
  /** Held strongly: java.util.logging forgets the level of a logger that is garbage collected. */
  private static final Logger PROJECT = Logger.getLogger("io.hsmkit");

  private static final Logger ROOT = Logger.getLogger("");

  private Logging() {}

  public static synchronized void configure(PrintWriter err, boolean verbose) {
    for (Handler h : ROOT.getHandlers()) {
      ROOT.removeHandler(h);
    }
    ROOT.setLevel(Level.WARNING);
    PROJECT.setLevel(verbose ? Level.ALL : Level.INFO);
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (!isLoggable(r)) {
              return;
            }
            synchronized (err) {
              err.print(getFormatter().format(r));
              err.flush();
            }
          }

          @Override
          public void flush() {
            err.flush();
          }

          @Override
          public void close() {
            err.flush();
          }
        };
    handler.setLevel(Level.ALL);
    handler.setFormatter(new OneLine(verbose));
    ROOT.addHandler(handler);
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
