package io.hsmkit.client;

import io.hsmkit.apdu.StatusWord;

/**
 * The card refused a command. The message says what failed in words an operator understands; it
 * never contains a PIN or key material.
 */
public class HsmException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient StatusWord sw;

  public HsmException(String message, StatusWord sw) {
    super(message);
    this.sw = sw;
  }

  /** The status word the card answered, or null when the error was found on the host. */
  public StatusWord sw() {
    return sw;
  }
}
