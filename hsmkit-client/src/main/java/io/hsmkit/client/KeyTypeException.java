package io.hsmkit.client;

/**
 * The key named for an operation is of the wrong type for it (an RSA mechanism on an EC key, ECDH
 * with an RSA key): found on the host, before anything is sent, so the caller's mistake.
 */
public final class KeyTypeException extends HsmException {
  private static final long serialVersionUID = 1L;

  public KeyTypeException(String message) {
    super(message, null);
  }
}
