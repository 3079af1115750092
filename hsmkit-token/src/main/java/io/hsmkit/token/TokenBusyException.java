package io.hsmkit.token;

/**
 * The token's state directory is held by another process (named by its PID when it is alive):
 * not damaged, only unavailable now, so a caller may wait and retry.
 */
public final class TokenBusyException extends TokenException {
  private static final long serialVersionUID = 1L;

  public TokenBusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
