package io.hsmkit.card.state;

/**
 * Where a card keeps its {@link CardState}. {@link #commit} is atomic: after a crash at any instant
 * the store holds either the previous or the new state.
 */
public interface StateStore extends AutoCloseable {

  /**
   * The last committed state: read only (a {@link CardState} has no public mutator), never changed
   * afterwards; a change starts with {@link CardState#edit()}.
   */
  CardState current();

  /**
   * Makes a copy of {@code draft} as it stands the committed state, durably. On failure the previous
   * state remains. Later changes to the draft do not reach the committed state.
   */
  void commit(StateDraft draft) throws StateException;

  @Override
  void close();
}
