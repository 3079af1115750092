package io.hsmkit.card.state;

/**
 * Where a card keeps its {@link CardState}. {@link #commit} is atomic: after a crash at any instant
 * the store holds either the previous or the new state.
 */
public interface StateStore extends AutoCloseable {

  /** The last committed state. Callers must not modify it; they work on a {@code copy()}. */
  CardState current();

  /** Makes {@code next} the committed state, durably. On failure the previous state remains. */
  void commit(CardState next) throws StateException;

  @Override
  void close();
}
