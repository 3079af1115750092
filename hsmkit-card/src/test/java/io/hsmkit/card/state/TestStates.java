package io.hsmkit.card.state;

/** Test access to the package-private state mutators: a state with a key planted in it. */
public final class TestStates {
  private TestStates() {}

  /** A copy of {@code base} with {@code key} added (plaintext or sealed as the record says). */
  public static CardState withKey(CardState base, KeyRecord key) {
    CardState s = base.copy();
    s.putKey(key);
    return s;
  }
}
