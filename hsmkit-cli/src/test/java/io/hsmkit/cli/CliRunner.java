package io.hsmkit.cli;

import io.hsmkit.cli.support.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process on an embedded token in a directory, with a controlled environment. */
final class CliRunner {
  final Path home;
  final Map<String, String> env = new HashMap<>();

  CliRunner(Path home) {
    this.home = home;
    env.put("HSMKIT_HOME", home.toString());
    // the cheap Argon2 cost the build sets for unit tests (parent POM, SECURITY.md)
    String kdf = System.getenv("HSMKIT_CARD_KDF");
    if (kdf != null) {
      env.put("HSMKIT_CARD_KDF", kdf);
    }
  }

  record Result(int exit, String out, String err) {}

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(args, Map.copyOf(env), new Secrets(Map.copyOf(env), null), new PrintWriter(out),
            new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs and fails the test unless the exit code is 0. */
  Result ok(String... args) {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("hsmkit " + String.join(" ", args) + " exited " + r.exit()
          + "\nstdout: " + r.out() + "\nstderr: " + r.err());
    }
    return r;
  }
}
