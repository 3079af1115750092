package io.hsmkit.apdu;

/**
 * The PIN references (P2 of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER), as OpenSC's
 * {@code card-sc-hsm.h} names them (docs/protocol.md#verify). Constants, so that they serve as
 * {@code case} labels on the card.
 */
public final class PinReferences {
  /** {@code ID_USER_PIN}. */
  public static final int USER_PIN = 0x81;
  /** {@code ID_SO_PIN}. */
  public static final int SO_PIN = 0x88;
  /** PIN pad probe; hsmkit's card answers 6A88. */
  public static final int PIN_PAD = 0x85;
  /** Biometric probe; hsmkit's card answers 6A88. */
  public static final int BIOMETRIC = 0x86;

  private PinReferences() {}
}
