package io.hsmkit.card.state;

/**
 * A card state that cannot be opened or written: damaged, of an unknown format version, in use by
 * another process, or an I/O failure. The message names the file and never contains secrets.
 */
public class StateException extends Exception {
  private static final long serialVersionUID = 1L;

  public StateException(String message) {
    super(message);
  }

  public StateException(String message, Throwable cause) {
    super(message, cause);
  }
}
