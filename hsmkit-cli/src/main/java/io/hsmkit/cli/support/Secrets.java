package io.hsmkit.cli.support;

import java.io.Console;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Where PINs come from, in order: the command-line option (as in the runbooks), the environment
 * variable ({@code HSMKIT_PIN}, {@code HSMKIT_SO_PIN}, …), a no-echo prompt when a terminal is
 * attached; otherwise a clear error. Values are returned as byte arrays the caller wipes.
 */
public final class Secrets {
  private final Map<String, String> env;
  private final Terminal console;
  /** Every array handed out, when tracking (tests check the commands wiped them); else null. */
  private final java.util.List<byte[]> issued;

  /**
   * The user's terminal: prompts, no-echo input, and output that stays off standard output (m-of-n
   * shares shown one custodian at a time). A seam so tests can play the user.
   */
  public interface Terminal {
    char[] readPassword(String prompt);

    /** Reads a line after showing {@code prompt}; null at end of input. */
    String readLine(String prompt);

    java.io.PrintWriter writer();
  }

  public Secrets(Map<String, String> env, Console console) {
    this(env, console == null ? null : of(console), false);
  }

  public Secrets(Map<String, String> env, Terminal terminal) {
    this(env, terminal, false);
  }

  private static Terminal of(Console c) {
    return new Terminal() {
      @Override
      public char[] readPassword(String prompt) {
        return c.readPassword("%s", prompt);
      }

      @Override
      public String readLine(String prompt) {
        return c.readLine("%s", prompt);
      }

      @Override
      public java.io.PrintWriter writer() {
        return c.writer();
      }
    };
  }

  /** The terminal, when one is attached. */
  public java.util.Optional<Terminal> terminal() {
    return java.util.Optional.ofNullable(console);
  }

  private Secrets(Map<String, String> env, Terminal console, boolean track) {
    this.env = env;
    this.console = console;
    this.issued = track ? java.util.Collections.synchronizedList(new java.util.ArrayList<>()) : null;
  }

  /** Secrets from {@code env} that remember what they handed out: see {@link #issued()}. */
  public static Secrets tracking(Map<String, String> env) {
    return new Secrets(env, (Terminal) null, true);
  }

  /** The arrays handed out so far (tracking instances only): all zero once a command is done. */
  public java.util.List<byte[]> issued() {
    if (issued == null) {
      throw new IllegalStateException("not a tracking Secrets");
    }
    return java.util.List.copyOf(issued);
  }

  private byte[] issue(byte[] secret) {
    if (issued != null && secret != null) {
      issued.add(secret);
    }
    return secret;
  }

  public static Secrets system() {
    return new Secrets(System.getenv(), System.console());
  }

  /**
   * Resolves a secret.
   *
   * @param optionValue the option's value, or null when not given
   * @param envVar the environment variable to fall back on
   * @param prompt the prompt text, e.g. "User PIN"
   * @param optionName the option, for the error message
   */
  public byte[] get(String optionValue, String envVar, String prompt, String optionName) {
    if (optionValue != null) {
      return issue(optionValue.getBytes(StandardCharsets.UTF_8));
    }
    String fromEnv = env.get(envVar);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return issue(fromEnv.getBytes(StandardCharsets.UTF_8));
    }
    if (console != null) {
      char[] chars = console.readPassword(prompt + ": ");
      if (chars == null) {
        throw CliException.usage(prompt + " not entered");
      }
      return issue(toBytes(chars));
    }
    throw CliException.usage(
        prompt + " needed: give " + optionName + ", set " + envVar + ", or run on a terminal");
  }

  /** A secret that may be absent: the option's value, else the environment variable, else null. */
  public byte[] optional(String optionValue, String envVar) {
    if (optionValue != null) {
      return issue(optionValue.getBytes(StandardCharsets.UTF_8));
    }
    String fromEnv = env.get(envVar);
    return fromEnv == null || fromEnv.isEmpty() ? null
        : issue(fromEnv.getBytes(StandardCharsets.UTF_8));
  }

  /** Asks twice on a terminal and checks both agree (for new PINs and passwords). */
  public byte[] getNew(String optionValue, String envVar, String prompt, String optionName) {
    if (optionValue != null || (env.get(envVar) != null && !env.get(envVar).isEmpty())
        || console == null) {
      return get(optionValue, envVar, prompt, optionName);
    }
    byte[] a = get(null, envVar, prompt, optionName);
    byte[] b = get(null, envVar, prompt + " (again)", optionName);
    try {
      if (!Arrays.equals(a, b)) {
        Arrays.fill(a, (byte) 0);
        throw CliException.usage("the two entries differ");
      }
      return a;
    } finally {
      Arrays.fill(b, (byte) 0);
    }
  }

  static byte[] toBytes(char[] chars) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = Arrays.copyOf(bb.array(), bb.limit());
    Arrays.fill(bb.array(), (byte) 0);
    Arrays.fill(chars, '\0');
    return out;
  }
}
