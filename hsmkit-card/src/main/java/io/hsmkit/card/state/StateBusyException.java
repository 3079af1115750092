package io.hsmkit.card.state;

import java.util.OptionalLong;

/**
 * The card state is locked by another process (or another store in this one). The holder's PID,
 * when the lock file names a live process, lets the user see who to wait for.
 */
public final class StateBusyException extends StateException {
  private static final long serialVersionUID = 1L;
  private final long holder;

  public StateBusyException(String message, OptionalLong holder) {
    super(message);
    this.holder = holder.orElse(-1);
  }

  /** The PID of the process holding the lock, when known and alive. */
  public OptionalLong holderPid() {
    return holder < 0 ? OptionalLong.empty() : OptionalLong.of(holder);
  }
}
