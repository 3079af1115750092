package io.hsmkit.card.dispatch;

import io.hsmkit.apdu.StatusWord;

/**
 * Thrown by a command handler to end the command with a status word other than 9000. Only
 * {@code CardOs} turns it into a response APDU; the working copy of the state is then discarded.
 */
public final class SwException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient StatusWord sw;

  public SwException(StatusWord sw) {
    super(sw.toString(), null, false, false);
    this.sw = sw;
  }

  public StatusWord sw() {
    return sw;
  }
}
