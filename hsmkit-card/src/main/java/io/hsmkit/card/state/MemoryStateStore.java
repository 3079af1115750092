package io.hsmkit.card.state;

/** A store that keeps the state in memory only (tests, throw-away cards). */
public final class MemoryStateStore implements StateStore {
  private CardState current;

  public MemoryStateStore(CardState initial) {
    this.current = initial.copy();
  }

  @Override
  public synchronized CardState current() {
    return current;
  }

  @Override
  public synchronized void commit(StateDraft draft) {
    current = draft.snapshot();
  }

  @Override
  public void close() {}
}
