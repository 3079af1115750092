package io.hsmkit.client;

import io.hsmkit.apdu.StatusWord;

/**
 * The PIN is blocked ({@code 6983}). The user PIN can be unblocked with the SO-PIN; the SO-PIN
 * never. {@link #blockedByThisAttempt()} tells a wrong PIN that used up the last try from a PIN
 * that was blocked before.
 */
public final class PinBlockedException extends HsmException {
  private static final long serialVersionUID = 1L;
  private final boolean blockedByThisAttempt;

  public PinBlockedException(PinReference pin, boolean blockedByThisAttempt) {
    super(
        (blockedByThisAttempt
                ? "wrong " + pin.displayName() + ", no tries left: the " + pin.displayName()
                    + " is now blocked"
                : pin.displayName() + " is blocked")
            + (pin == PinReference.USER ? "; unblock it with the SO-PIN (hsmkit pin unblock)" : ""),
        StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    this.blockedByThisAttempt = blockedByThisAttempt;
  }

  /** True when the wrong PIN of this very command used up the last try. */
  public boolean blockedByThisAttempt() {
    return blockedByThisAttempt;
  }
}
