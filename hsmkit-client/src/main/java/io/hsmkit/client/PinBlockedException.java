package io.hsmkit.client;

import io.hsmkit.apdu.StatusWord;

/** The PIN is blocked ({@code 6983}). The user PIN can be unblocked with the SO-PIN; the SO-PIN never. */
public final class PinBlockedException extends HsmException {
  private static final long serialVersionUID = 1L;

  public PinBlockedException(PinReference pin) {
    super(
        pin.displayName() + " is blocked"
            + (pin == PinReference.USER ? "; unblock it with the SO-PIN (hsmkit pin unblock)" : ""),
        StatusWord.AUTHENTICATION_METHOD_BLOCKED);
  }
}
