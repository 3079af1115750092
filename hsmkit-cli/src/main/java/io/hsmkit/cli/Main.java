package io.hsmkit.cli;

import io.hsmkit.card.state.StateException;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.Logging;
import io.hsmkit.cli.support.Secrets;
import io.hsmkit.client.HsmException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point. The only place that chooses exit codes: 0 success, 1 the card refused (or could
 * not be reached), 2 usage or validation error. Errors are one line without a stack trace unless
 * {@code --verbose} or {@code HSMKIT_DEBUG=1}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, System.getenv(), Secrets.system(), out, err));
  }

  /** Runs the CLI with secrets taken from {@code env} only (no terminal prompts). */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return run(args, env, new Secrets(env, null), out, err);
  }

  /** Runs the CLI; used by {@link #main} and by tests with their own environment and streams. */
  public static int run(
      String[] args, Map<String, String> env, Secrets secrets, PrintWriter out, PrintWriter err) {
    HsmkitCommand root = new HsmkitCommand(env, secrets, out, err);
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionStrategy(
        parseResult -> {
          Logging.configure(err, root.verbose());
          return new CommandLine.RunLast().execute(parseResult);
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (root.verbose()) {
            ex.printStackTrace(err);
          }
          err.println("hsmkit: " + message(ex));
          err.flush();
          return exitCode(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("hsmkit: " + ex.getMessage());
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return CliException.USAGE;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static int exitCode(Exception ex) {
    if (ex instanceof CliException c) {
      return c.exitCode();
    }
    if (ex instanceof StateException) {
      return CliException.USAGE;
    }
    return CliException.REFUSED;
  }

  static String message(Exception ex) {
    if (ex instanceof HsmException || ex instanceof CliException || ex instanceof StateException) {
      return ex.getMessage();
    }
    if (ex instanceof IOException) {
      return "cannot reach the token: " + ex.getMessage();
    }
    return ex.toString();
  }
}
