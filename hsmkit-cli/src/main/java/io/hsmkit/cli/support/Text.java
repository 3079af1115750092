package io.hsmkit.cli.support;

/** Text from the card, a wrap file or a backup, made safe for a terminal. */
public final class Text {
  private Text() {}

  /**
   * Escapes control characters (C0, DEL, C1: e.g. an ESC that would recolour or clear the
   * terminal, a newline that would forge an output line) as {@code \xNN} / {@code \\uNNNN}, and
   * backslashes as {@code \\}.
   */
  public static String safe(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      if (c == '\\') {
        b.append("\\\\");
      } else if (c < 0x20 || c == 0x7F) {
        b.append(String.format("\\x%02X", c));
      } else if (c >= 0x80 && c < 0xA0 || c == 0x2028 || c == 0x2029 || c >= 0x202A && c <= 0x202E
          || c >= 0x2066 && c <= 0x2069) {
        b.append(String.format("\\u%04X", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }
}
