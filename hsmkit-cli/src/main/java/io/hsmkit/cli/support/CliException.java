package io.hsmkit.cli.support;

/** An error the CLI reports as one line with an exit code (2 = usage or validation). */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  public static final int USAGE = 2;
  public static final int REFUSED = 1;

  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public static CliException usage(String message) {
    return new CliException(USAGE, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
