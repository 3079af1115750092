package io.hsmkit.token;

/**
 * A token cannot be opened or used for a reason its user can act on (a damaged or locked state
 * directory, a card secret that is missing or too short, a malformed KDF setting). The message is
 * one line and never holds a secret. It carries the card's own exception as its cause, so callers
 * above the token (the CLI, the JCA provider) never depend on the emulator's types.
 */
public class TokenException extends Exception {
  private static final long serialVersionUID = 1L;

  public TokenException(String message) {
    super(message);
  }

  public TokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
