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
  /** A terminal the commands see as the user's (null: none attached, as in CI). */
  Secrets.Terminal terminal;

  CliRunner(Path home) {
    this.home = home;
    env.put("HSMKIT_HOME", home.toString());
    // the cheap Argon2 cost the build sets for unit tests (parent POM, SECURITY.md)
    String kdf = System.getenv("HSMKIT_CARD_KDF");
    if (kdf != null) {
      env.put("HSMKIT_CARD_KDF", kdf);
    }
  }

  /**
   * A runner on a token initialized without DKEK, SO-PIN 3537363231383830, with the user PIN in
   * {@code HSMKIT_PIN} (the runbooks' values).
   */
  static CliRunner initialized(Path home, String userPin, String... initOptions) {
    CliRunner cli = new CliRunner(home);
    cli.env.put("HSMKIT_PIN", userPin);
    String[] args = new String[4 + initOptions.length];
    args[0] = "init";
    args[1] = "--so-pin";
    args[2] = "3537363231383830";
    args[3] = "--no-dkek";
    System.arraycopy(initOptions, 0, args, 4, initOptions.length);
    cli.ok(args);
    return cli;
  }

  /** Makes the factory-new default token ({@code status} no longer creates one). */
  CliRunner createToken() {
    try (io.hsmkit.token.Token t = io.hsmkit.token.Token.open(
        io.hsmkit.client.token.TokenSpec.parse("emulated:" + home.resolve("token")), Map.copyOf(env))) {
      return this;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  record Result(int exit, String out, String err) {}

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(args, Map.copyOf(env), new Secrets(Map.copyOf(env), terminal), new PrintWriter(out),
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

  /** A terminal that answers prompts from a script and records everything it was shown. */
  static final class ScriptedTerminal implements Secrets.Terminal {
    final java.util.ArrayDeque<String> answers;
    final StringWriter shown = new StringWriter();
    final PrintWriter writer = new PrintWriter(shown, true);

    ScriptedTerminal(String... answers) {
      this.answers = new java.util.ArrayDeque<>(java.util.List.of(answers));
    }

    @Override
    public char[] readPassword(String prompt) {
      writer.print(prompt);
      String a = answers.poll();
      return a == null ? null : a.toCharArray();
    }

    @Override
    public String readLine(String prompt) {
      writer.print(prompt);
      writer.flush();
      return answers.poll();
    }

    @Override
    public PrintWriter writer() {
      return writer;
    }
  }
}
