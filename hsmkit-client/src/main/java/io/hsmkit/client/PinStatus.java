package io.hsmkit.client;

/**
 * What a PIN status query ({@code VERIFY} without data) says.
 *
 * @param state the condition of the PIN
 * @param triesLeft tries left when {@code state} is {@code NOT_VERIFIED}; 0 when blocked; -1 when
 *     unknown (verified, transport PIN, not initialized)
 */
public record PinStatus(State state, int triesLeft) {
  public enum State {
    VERIFIED,
    NOT_VERIFIED,
    BLOCKED,
    TRANSPORT_PIN,
    NOT_INITIALIZED
  }
}
