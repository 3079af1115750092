package io.hsmkit.cli.support;

import java.util.List;
import java.util.Map;

/** A minimal JSON writer for {@code --json} output (maps, lists, strings, numbers, booleans). */
public final class Json {
  private Json() {}

  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      int i = 0;
      for (var e : m.entrySet()) {
        sb.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
        quote(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent + 1);
      }
      sb.append(m.isEmpty() ? "}" : "\n" + "  ".repeat(indent) + "}");
    } else if (v instanceof List<?> l) {
      sb.append('[');
      int i = 0;
      for (Object o : l) {
        sb.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
        write(sb, o, indent + 1);
      }
      sb.append(l.isEmpty() ? "]" : "\n" + "  ".repeat(indent) + "]");
    } else {
      quote(sb, v.toString());
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
