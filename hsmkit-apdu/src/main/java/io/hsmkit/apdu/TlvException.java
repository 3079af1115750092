package io.hsmkit.apdu;

/** Bytes that are not valid BER-TLV. */
public final class TlvException extends Exception {
  private static final long serialVersionUID = 1L;

  public TlvException(String message) {
    super(message);
  }
}
