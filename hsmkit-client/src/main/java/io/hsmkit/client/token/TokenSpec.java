package io.hsmkit.client.token;

import java.nio.file.Path;
import java.util.Map;

/**
 * Which token a command talks to: {@code emulated:DIR} (the embedded card, state in DIR, no pcscd)
 * or {@code pcsc[:TEXT]} (the first PC/SC reader with a card whose name contains TEXT). A contract
 * that scripts and tests rely on.
 */
public record TokenSpec(Kind kind, String value) {
  public enum Kind {
    EMULATED,
    PCSC
  }

  /**
   * Parses a SPEC; the message of the exception says what is valid.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static TokenSpec parse(String spec) {
    if (spec.startsWith("emulated:") && spec.length() > "emulated:".length()) {
      return new TokenSpec(Kind.EMULATED, spec.substring("emulated:".length()));
    }
    if (spec.equals("pcsc")) {
      return new TokenSpec(Kind.PCSC, "");
    }
    if (spec.startsWith("pcsc:")) {
      return new TokenSpec(Kind.PCSC, spec.substring("pcsc:".length()));
    }
    throw new IllegalArgumentException(
        "token must be emulated:DIR, pcsc or pcsc:READER-NAME-PART, not \"" + spec + "\"");
  }

  /**
   * The token when none is given: {@code HSMKIT_TOKEN}, else {@code emulated:$HSMKIT_HOME/token}
   * with {@code HSMKIT_HOME} defaulting to {@code ~/.hsmkit}.
   */
  public static TokenSpec defaultFrom(Map<String, String> env) {
    String t = env.get("HSMKIT_TOKEN");
    if (t != null && !t.isBlank()) {
      return parse(t);
    }
    return new TokenSpec(Kind.EMULATED, home(env).resolve("token").toString());
  }

  /** {@code HSMKIT_HOME}, defaulting to {@code ~/.hsmkit}. */
  public static Path home(Map<String, String> env) {
    String h = env.get("HSMKIT_HOME");
    if (h != null && !h.isBlank()) {
      return Path.of(h);
    }
    return Path.of(System.getProperty("user.home"), ".hsmkit");
  }

  @Override
  public String toString() {
    return kind == Kind.EMULATED ? "emulated:" + value : value.isEmpty() ? "pcsc" : "pcsc:" + value;
  }
}
