package io.hsmkit.cli.support;

import java.util.HexFormat;

/**
 * The safety rails the C tools lack: checked on the host before anything is sent, so a mistyped
 * SO-PIN can never brick a device (the runbooks warn that sc-hsm-tool accepts one).
 */
public final class PinRules {
  private PinRules() {}

  /** An SO-PIN must be exactly 16 hex digits; returns its 8 binary bytes. */
  public static byte[] soPin(byte[] text, String what) {
    String s = new String(text, java.nio.charset.StandardCharsets.US_ASCII);
    if (s.length() != 16 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw CliException.usage(
          what + " must be exactly 16 hexadecimal digits (0-9, a-f), e.g. 3537363231383830");
    }
    return HexFormat.of().parseHex(s);
  }

  /** A user PIN must have 6 to 15 characters (OpenSC's PKCS#11 limit; the card takes 16). */
  public static void userPin(byte[] pin, String what) {
    if (pin.length < 6 || pin.length > 15) {
      throw CliException.usage(what + " must have 6 to 15 characters");
    }
  }
}
