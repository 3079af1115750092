package io.hsmkit.card.crypto;

/**
 * The command data do not fit the key operation: a value not below the RSA modulus, a point not on
 * the curve, a hash too long for the key. Command handlers answer {@code 6A80}. Messages never
 * contain key or input bytes.
 */
public final class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message, null, false, false);
  }
}
