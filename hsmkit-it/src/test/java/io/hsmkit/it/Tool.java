package io.hsmkit.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program (OpenSC tools, the harness script) and captures its output. Only the
 * process started here and its own descendants are ever killed, on timeout.
 */
final class Tool {
  /** Options whose value is a secret: shown as {@code ***} in descriptions and assertion text. */
  private static final Set<String> SECRET_OPTIONS =
      Set.of("--pin", "--so-pin", "--new-pin", "--puk", "--password", "-p");

  /** Commands that take at least this long are reported on stderr with their duration. */
  private static final long SLOW_MILLIS = 2000;

  private Tool() {}

  /** What a finished program did. {@code exit} is -1 after a timeout. */
  record Result(List<String> argv, int exit, String stdout, String stderr) {

    /** stdout and stderr together, as a user would see them. */
    String output() {
      return stdout + stderr;
    }

    /** A description for assertion messages, with PINs masked. */
    String describe() {
      return "$ "
          + String.join(" ", redact(argv))
          + "\n[exit "
          + exit
          + "]\n--- stdout ---\n"
          + stdout
          + "--- stderr ---\n"
          + stderr;
    }

    /**
     * The same result with every occurrence of {@code secrets} in its output replaced by {@code
     * ***}, for tools that echo what they were given (expect sessions, share values).
     */
    Result hiding(java.util.Collection<String> secrets) {
      String so = stdout;
      String se = stderr;
      for (String s : secrets) {
        if (s != null && !s.isEmpty()) {
          so = so.replace(s, "***");
          se = se.replace(s, "***");
        }
      }
      return new Result(argv, exit, so, se);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  static Result run(List<String> argv, Map<String, String> env, Duration timeout) {
    // Java looks a bare program name up on its own PATH, not the child's: resolve it here, so
    // that the OpenSC under test (first on the tools' PATH) is the one that runs.
    List<String> command = new ArrayList<>(argv);
    String found = command.get(0).contains("/") ? null : which(command.get(0));
    if (found != null) {
      command.set(0, found);
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(OpenScInstall.ENV); // the OpenSC under test first on PATH
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("hsmkit-it-out", ".txt");
      err = Files.createTempFile("hsmkit-it-err", ".txt");
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      long started = System.nanoTime();
      Process p = pb.start();
      int exit;
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = p.exitValue();
      } else {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        exit = -1;
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (millis >= SLOW_MILLIS) {
        // where the interop tests spend their time (the .pbe derivations, mostly)
        System.err.printf("[hsmkit-it] %.1f s: %s%n", millis / 1000.0,
            String.join(" ", redact(argv)));
      }
      String so = Files.readString(out, StandardCharsets.UTF_8);
      String se = Files.readString(err, StandardCharsets.UTF_8);
      if (exit == -1) {
        se += "\n[timed out after " + timeout.toSeconds() + " s]\n";
      }
      return new Result(List.copyOf(argv), exit, so, se);
    } catch (IOException e) {
      return new Result(List.copyOf(argv), -2, "", "cannot run: " + e + "\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(List.copyOf(argv), -2, "", "interrupted\n");
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  static Result run(List<String> argv) {
    return run(argv, Map.of(), Duration.ofSeconds(30));
  }

  /** The argument list with the values of PIN options replaced by {@code ***}. */
  static List<String> redact(List<String> argv) {
    List<String> shown = new ArrayList<>(argv.size());
    boolean hideNext = false;
    for (String a : argv) {
      if (hideNext) {
        shown.add("***");
        hideNext = false;
        continue;
      }
      int eq = a.indexOf('=');
      if (eq > 0 && SECRET_OPTIONS.contains(a.substring(0, eq))) {
        shown.add(a.substring(0, eq) + "=***");
        continue;
      }
      hideNext = SECRET_OPTIONS.contains(a);
      shown.add(a);
    }
    return shown;
  }

  /** True if {@code name} is an executable on the PATH the tools get. */
  static boolean onPath(String name) {
    return which(name) != null;
  }

  /** The first executable {@code name} on the PATH the tools get, or null. */
  static String which(String name) {
    String path = OpenScInstall.ENV.getOrDefault("PATH",
        System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
