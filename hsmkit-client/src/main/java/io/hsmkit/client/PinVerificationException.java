package io.hsmkit.client;

import io.hsmkit.apdu.StatusWord;

/** A wrong PIN or SO-PIN ({@code 63Cx}); {@link #triesLeft()} says how many tries remain. */
public final class PinVerificationException extends HsmException {
  private static final long serialVersionUID = 1L;
  private final int triesLeft;

  public PinVerificationException(PinReference pin, StatusWord sw) {
    super(
        "wrong " + pin.displayName() + ", " + sw.retriesLeft() + " "
            + (sw.retriesLeft() == 1 ? "try" : "tries") + " left"
            + (sw.retriesLeft() == 0 ? " (now blocked)" : ""),
        sw);
    this.triesLeft = sw.retriesLeft();
  }

  public int triesLeft() {
    return triesLeft;
  }
}
