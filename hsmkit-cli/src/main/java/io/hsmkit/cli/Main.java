package io.hsmkit.cli;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.Logging;
import io.hsmkit.cli.support.Secrets;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.KeyTypeException;
import io.hsmkit.token.TokenBusyException;
import io.hsmkit.token.TokenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. The only place that chooses exit codes: 0 success, 1 the card refused or is
 * unavailable (could not be reached, in use by another process), 2 usage or validation error (a key
 * of the wrong type for the operation included). Errors are one line without a stack trace unless
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
    return run(args, env, new Secrets(env, (Secrets.Terminal) null), out, err);
  }

  /** Runs the CLI; used by {@link #main} and by tests with their own environment and streams. */
  public static int run(
      String[] args, Map<String, String> env, Secrets secrets, PrintWriter out, PrintWriter err) {
    HsmkitCommand root = new HsmkitCommand(env, secrets, out, err);
    CommandLine cl = commandLine(root, args);
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

  /**
   * The command line with only the subcommand {@code args} names, when it names one: picocli
   * builds its model of every registered command, option and option type at once, which for the
   * whole tree (Bouncy Castle types included, whose signed jars must then be verified) is a third
   * of a second of a CLI start. Help, completion scripts and unknown names get the whole tree;
   * {@code --version} alone gets none.
   */
  static CommandLine commandLine(HsmkitCommand root, String[] args) {
    CommandLine cl = new CommandLine(root);
    String name = firstCommand(args);
    Class<?> only = null;
    for (Class<?> c : HsmkitCommand.SUBCOMMANDS) {
      Command a = c.getAnnotation(Command.class);
      if (a != null && a.name().equals(name) && !a.name().equals("generate-completion")) {
        only = c;
      }
    }
    if (only != null) {
      cl.addSubcommand(only);
    } else if (name == null && List.of(args).stream().anyMatch(a -> a.equals("-V") || a.equals("--version"))) {
      return cl; // the version needs no subcommand
    } else {
      HsmkitCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
    }
    return cl;
  }

  /**
   * The whole command tree with no environment and no output, for generated documentation (the
   * man pages and completion script of the release packages).
   */
  public static CommandLine documentationTree() {
    PrintWriter sink = new PrintWriter(java.io.Writer.nullWriter());
    Secrets none = new Secrets(Map.of(), (Secrets.Terminal) null);
    CommandLine cl = new CommandLine(new HsmkitCommand(Map.of(), none, sink, sink));
    HsmkitCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
    return cl;
  }

  /** The first word that is neither an option nor the value of the root's {@code --token}. */
  static String firstCommand(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--token")) {
        i++;
      } else if (a.equals("--wait") && i + 1 < args.length && args[i + 1].matches("\\d+")) {
        i++;
      } else if (a.equals("--")) {
        return null;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  /** A file the user named that is missing, unreadable or a directory (in {@code ex} or a cause). */
  static java.nio.file.FileSystemException fileProblem(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
        return f;
      }
    }
    return null;
  }

  static String describe(java.nio.file.FileSystemException f) {
    String why = f instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
        : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : f instanceof java.nio.file.FileAlreadyExistsException ? "exists already"
        : f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
    return f.getFile() + ": " + why + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : "");
  }

  static int exitCode(Exception ex) {
    if (ex instanceof CliException c) {
      return c.exitCode();
    }
    if (!(ex instanceof HsmException) && !(ex instanceof TokenException) && fileProblem(ex) != null) {
      return CliException.USAGE;
    }
    if (ex instanceof KeyTypeException) {
      return CliException.USAGE; // the command line named a key that cannot do this
    }
    if (ex instanceof TokenBusyException) {
      return CliException.REFUSED; // the token is unavailable, as a card another process holds
    }
    if (ex instanceof TokenException) {
      return CliException.USAGE;
    }
    return CliException.REFUSED;
  }

  static String message(Exception ex) {
    if (ex instanceof HsmException || ex instanceof CliException || ex instanceof TokenException) {
      return ex.getMessage();
    }
    java.nio.file.FileSystemException file = fileProblem(ex);
    if (file != null) {
      return describe(file);
    }
    if (ex instanceof IOException) {
      return "cannot reach the token: " + ex.getMessage();
    }
    return ex.toString();
  }
}
