package io.hsmkit.apdu;

import java.util.Arrays;
import java.util.HexFormat;

/** An ISO 7816-4 application identifier; immutable, so a constant cannot be altered by a caller. */
public final class Aid {
  /** The SmartCard-HSM applet, {@code E8 2B 06 01 04 01 81 C3 1F 02 01} (docs/protocol.md#select). */
  public static final Aid SMARTCARD_HSM =
      new Aid(HexFormat.of().parseHex("E82B0601040181C31F0201"));

  private final byte[] bytes;

  private Aid(byte[] bytes) {
    this.bytes = bytes;
  }

  /** An AID of 5 to 16 bytes (ISO 7816-4 5.3.3). */
  public static Aid of(byte[] bytes) {
    if (bytes.length < 5 || bytes.length > 16) {
      throw new IllegalArgumentException("an AID has 5 to 16 bytes, not " + bytes.length);
    }
    return new Aid(bytes.clone());
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** True when {@code candidate} (e.g. SELECT's data) is exactly this AID. */
  public boolean matches(byte[] candidate) {
    return Arrays.equals(bytes, candidate);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Aid a && Arrays.equals(a.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().withUpperCase().formatHex(bytes);
  }
}
