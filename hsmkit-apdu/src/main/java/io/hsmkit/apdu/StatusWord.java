package io.hsmkit.apdu;

/**
 * An ISO 7816-4 status word (SW1 SW2). Constants are named like ISO 7816-4 and list the ones the
 * SmartCard-HSM answers with (docs/protocol.md#status-words).
 */
public record StatusWord(int value) {

  public static final StatusWord NO_ERROR = new StatusWord(0x9000);
  public static final StatusWord END_OF_FILE_REACHED = new StatusWord(0x6282);
  /** {@code 6581}: the card could not write its memory (the state could not be committed). */
  public static final StatusWord MEMORY_FAILURE = new StatusWord(0x6581);
  public static final StatusWord WRONG_LENGTH = new StatusWord(0x6700);
  public static final StatusWord COMMAND_NOT_ALLOWED = new StatusWord(0x6900);
  public static final StatusWord SECURITY_STATUS_NOT_SATISFIED = new StatusWord(0x6982);
  public static final StatusWord AUTHENTICATION_METHOD_BLOCKED = new StatusWord(0x6983);
  public static final StatusWord REFERENCE_DATA_NOT_USABLE = new StatusWord(0x6984);
  public static final StatusWord CONDITIONS_OF_USE_NOT_SATISFIED = new StatusWord(0x6985);
  public static final StatusWord COMMAND_NOT_ALLOWED_NO_EF = new StatusWord(0x6986);
  public static final StatusWord WRONG_DATA = new StatusWord(0x6A80);
  public static final StatusWord FUNCTION_NOT_SUPPORTED = new StatusWord(0x6A81);
  public static final StatusWord FILE_NOT_FOUND = new StatusWord(0x6A82);
  public static final StatusWord NOT_ENOUGH_MEMORY = new StatusWord(0x6A84);
  public static final StatusWord INCORRECT_P1P2 = new StatusWord(0x6A86);
  public static final StatusWord REFERENCED_DATA_NOT_FOUND = new StatusWord(0x6A88);
  public static final StatusWord FILE_ALREADY_EXISTS = new StatusWord(0x6A89);
  public static final StatusWord WRONG_P1P2 = new StatusWord(0x6B00);
  public static final StatusWord INS_NOT_SUPPORTED = new StatusWord(0x6D00);
  public static final StatusWord CLA_NOT_SUPPORTED = new StatusWord(0x6E00);
  public static final StatusWord UNKNOWN_ERROR = new StatusWord(0x6F00);

  public StatusWord {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException("status word out of range: " + value);
    }
  }

  /** {@code 63Cx}: verification failed, {@code retries} tries left (0..15). */
  public static StatusWord verifyFailed(int retries) {
    if (retries < 0 || retries > 15) {
      throw new IllegalArgumentException("retries out of range: " + retries);
    }
    return new StatusWord(0x63C0 | retries);
  }

  public static StatusWord of(int sw1, int sw2) {
    return new StatusWord(((sw1 & 0xFF) << 8) | (sw2 & 0xFF));
  }

  public int sw1() {
    return value >>> 8;
  }

  public int sw2() {
    return value & 0xFF;
  }

  // Written out: a record's generated equals/hashCode bootstrap method handles on first use, which
  // cost a short CLI command ~10 ms (BENCHMARKS.md "CLI start-up"); status words are compared on
  // every response.
  @Override
  public boolean equals(Object o) {
    return o instanceof StatusWord sw && sw.value == value;
  }

  @Override
  public int hashCode() {
    return value;
  }

  public boolean isSuccess() {
    return value == 0x9000;
  }

  /** True for {@code 63Cx}. */
  public boolean isVerifyFailed() {
    return (value & 0xFFF0) == 0x63C0;
  }

  /** Tries left in a {@code 63Cx} answer. */
  public int retriesLeft() {
    if (!isVerifyFailed()) {
      throw new IllegalStateException("not a 63Cx status word: " + this);
    }
    return value & 0x0F;
  }

  @Override
  public String toString() {
    return String.format("%04X", value);
  }
}
