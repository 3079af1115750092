package io.hsmkit.apdu;

/** A byte string that is not a well-formed ISO 7816-4 command APDU. */
public final class MalformedApduException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedApduException(String message) {
    super(message);
  }
}
