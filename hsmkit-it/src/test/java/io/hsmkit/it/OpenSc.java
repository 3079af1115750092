package io.hsmkit.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The OpenSC 0.23 command lines the interop tests run, against the first reader with a card. The
 * tools take PINs only as arguments; {@link Tool.Result#describe()} masks them.
 */
final class OpenSc {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private OpenSc() {}

  static Tool.Result run(String... argv) {
    return Tool.run(List.of(argv), Map.of(), TIMEOUT);
  }

  static Tool.Result scHsmStatus() {
    return run("sc-hsm-tool");
  }

  static Tool.Result scHsmInitialize(String soPin, String pin) {
    return run("sc-hsm-tool", "--initialize", "--so-pin", soPin, "--pin", pin);
  }

  static Tool.Result pkcs11List() {
    return run("pkcs11-tool", "-L");
  }

  /** C_Login as the user, then lists the objects. */
  static Tool.Result pkcs11Login(String pin) {
    return run("pkcs11-tool", "--login", "--pin", pin, "--list-objects");
  }

  static Tool.Result pkcs11ChangeUserPin(String pin, String newPin) {
    return run("pkcs11-tool", "--login", "--pin", pin, "--change-pin", "--new-pin", newPin);
  }

  static Tool.Result pkcs11ChangeSoPin(String soPin, String newSoPin) {
    return run(
        "pkcs11-tool", "--login", "--login-type", "so", "--so-pin", soPin, "--change-pin",
        "--new-pin", newSoPin);
  }

  /** C_Login(SO) + C_InitPIN: RESET RETRY COUNTER on the card. */
  static Tool.Result pkcs11InitPin(String soPin, String newPin) {
    return run(
        "pkcs11-tool", "--login", "--login-type", "so", "--so-pin", soPin, "--init-pin",
        "--new-pin", newPin);
  }

  static Tool.Result pkcs15Dump() {
    return run("pkcs15-tool", "--dump");
  }

  /**
   * Reads EF.C_DevAut (2F02) with raw APDUs through {@code opensc-tool -s} and returns the CHR of
   * the device certificate (tag 5F20).
   */
  static String deviceChr() {
    Tool.Result r =
        run("opensc-tool", "-s", "00:A4:00:00:02:2F:02:00", "-s",
            "00:B1:00:00:00:00:04:54:02:00:00:04:00");
    if (r.exit() != 0) {
      throw new AssertionError("reading 2F02 failed:\n" + r.describe());
    }
    StringBuilder hex = new StringBuilder();
    boolean inRead = false;
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith("Sending: 00 B1")) {
        inRead = true;
      } else if (inRead && line.length() >= 48 && line.substring(0, 48).matches("([0-9A-F]{2} ){16}")) {
        hex.append(line, 0, 48);
      }
    }
    byte[] bytes = HexFormat.of().parseHex(hex.toString().replace(" ", ""));
    for (int i = 0; i + 3 < bytes.length; i++) {
      if ((bytes[i] & 0xFF) == 0x5F && bytes[i + 1] == 0x20) {
        int len = bytes[i + 2] & 0xFF;
        if (i + 3 + len <= bytes.length) {
          return new String(bytes, i + 3, len, java.nio.charset.StandardCharsets.US_ASCII);
        }
      }
    }
    throw new AssertionError("no CHR (5F20) in 2F02:\n" + r.describe());
  }

  /** The lines of {@code output}, stripped, for line-wise assertions. */
  static List<String> lines(String output) {
    List<String> out = new ArrayList<>();
    for (String l : output.split("\n")) {
      out.add(l.strip());
    }
    return out;
  }
}
