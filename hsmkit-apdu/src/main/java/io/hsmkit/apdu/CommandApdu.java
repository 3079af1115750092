package io.hsmkit.apdu;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An ISO 7816-4 command APDU in one of the four cases, short or extended.
 *
 * <p>{@code ne} is the expected response length: {@code -1} when absent (cases 1 and 3), else
 * 1..65536 ({@code Le = 00} short means 256, {@code Le = 00 00} extended means 65536). Parsing is
 * strict: every length must match exactly, as a card must answer a malformed frame with {@code
 * 6700} rather than guess (docs/protocol.md#apdu-encoding).
 */
public final class CommandApdu {
  private final int cla;
  private final int ins;
  private final int p1;
  private final int p2;
  private final byte[] data;
  private final int ne;
  private final boolean extended;

  public CommandApdu(int cla, int ins, int p1, int p2, byte[] data, int ne) {
    this(cla, ins, p1, p2, data, ne, data.length > 255 || ne > 256);
  }

  public CommandApdu(int cla, int ins, int p1, int p2, byte[] data, int ne, boolean extended) {
    this.cla = checkByte("CLA", cla);
    this.ins = checkByte("INS", ins);
    this.p1 = checkByte("P1", p1);
    this.p2 = checkByte("P2", p2);
    if (data.length > 65535) {
      throw new IllegalArgumentException("command data longer than 65535 bytes");
    }
    if (ne < -1 || ne == 0 || ne > 65536) {
      throw new IllegalArgumentException("Ne out of range: " + ne);
    }
    if (!extended && (data.length > 255 || ne > 256)) {
      throw new IllegalArgumentException("lengths need an extended APDU");
    }
    this.data = data.clone();
    this.ne = ne;
    this.extended = extended;
  }

  public CommandApdu(int cla, int ins, int p1, int p2) {
    this(cla, ins, p1, p2, new byte[0], -1);
  }

  private static int checkByte(String name, int v) {
    if (v < 0 || v > 0xFF) {
      throw new IllegalArgumentException(name + " out of range: " + v);
    }
    return v;
  }

  /** Parses a command APDU as sent by a reader (T=1 encoding, docs/protocol.md#apdu-encoding). */
  public static CommandApdu parse(byte[] apdu) throws MalformedApduException {
    int n = apdu.length;
    if (n < 4) {
      throw new MalformedApduException("APDU shorter than 4 bytes");
    }
    int cla = apdu[0] & 0xFF;
    int ins = apdu[1] & 0xFF;
    int p1 = apdu[2] & 0xFF;
    int p2 = apdu[3] & 0xFF;
    if (n == 4) {
      return new CommandApdu(cla, ins, p1, p2, new byte[0], -1, false);
    }
    int b0 = apdu[4] & 0xFF;
    if (n == 5) { // case 2 short
      return new CommandApdu(cla, ins, p1, p2, new byte[0], b0 == 0 ? 256 : b0, false);
    }
    if (b0 != 0) { // case 3 or 4 short
      int lc = b0;
      if (n == 5 + lc) {
        return new CommandApdu(cla, ins, p1, p2, Arrays.copyOfRange(apdu, 5, 5 + lc), -1, false);
      }
      if (n == 6 + lc) {
        int le = apdu[5 + lc] & 0xFF;
        return new CommandApdu(
            cla, ins, p1, p2, Arrays.copyOfRange(apdu, 5, 5 + lc), le == 0 ? 256 : le, false);
      }
      throw new MalformedApduException("short Lc does not match the APDU length");
    }
    // b0 == 0 and n > 5: extended
    if (n < 7) {
      throw new MalformedApduException("truncated extended length");
    }
    int l = ((apdu[5] & 0xFF) << 8) | (apdu[6] & 0xFF);
    if (n == 7) { // case 2 extended
      return new CommandApdu(cla, ins, p1, p2, new byte[0], l == 0 ? 65536 : l, true);
    }
    if (l == 0) {
      throw new MalformedApduException("extended Lc of zero");
    }
    if (n == 7 + l) {
      return new CommandApdu(cla, ins, p1, p2, Arrays.copyOfRange(apdu, 7, 7 + l), -1, true);
    }
    if (n == 9 + l) {
      int le = ((apdu[7 + l] & 0xFF) << 8) | (apdu[8 + l] & 0xFF);
      return new CommandApdu(
          cla, ins, p1, p2, Arrays.copyOfRange(apdu, 7, 7 + l), le == 0 ? 65536 : le, true);
    }
    throw new MalformedApduException("extended Lc does not match the APDU length");
  }

  /** Encodes this APDU as a reader sends it (short or extended as chosen at construction). */
  public byte[] toBytes() {
    int lc = data.length;
    int size = 4;
    if (extended) {
      size += (lc > 0 ? 3 + lc : 0) + (ne > 0 ? (lc > 0 ? 2 : 3) : 0);
    } else {
      size += (lc > 0 ? 1 + lc : 0) + (ne > 0 ? 1 : 0);
    }
    byte[] out = new byte[size];
    out[0] = (byte) cla;
    out[1] = (byte) ins;
    out[2] = (byte) p1;
    out[3] = (byte) p2;
    int pos = 4;
    if (extended) {
      if (lc > 0) {
        out[pos++] = 0;
        out[pos++] = (byte) (lc >> 8);
        out[pos++] = (byte) lc;
        System.arraycopy(data, 0, out, pos, lc);
        pos += lc;
      }
      if (ne > 0) {
        if (lc == 0) {
          out[pos++] = 0;
        }
        int le = ne == 65536 ? 0 : ne;
        out[pos++] = (byte) (le >> 8);
        out[pos++] = (byte) le;
      }
    } else {
      if (lc > 0) {
        out[pos++] = (byte) lc;
        System.arraycopy(data, 0, out, pos, lc);
        pos += lc;
      }
      if (ne > 0) {
        out[pos] = (byte) (ne == 256 ? 0 : ne);
      }
    }
    return out;
  }

  public int cla() {
    return cla;
  }

  public int ins() {
    return ins;
  }

  public int p1() {
    return p1;
  }

  public int p2() {
    return p2;
  }

  /** P1 and P2 as one 16-bit value, e.g. a file identifier. */
  public int p1p2() {
    return (p1 << 8) | p2;
  }

  /** A copy of the command data. */
  public byte[] data() {
    return data.clone();
  }

  public int dataLength() {
    return data.length;
  }

  public boolean hasData() {
    return data.length > 0;
  }

  /** Expected response length, or -1 when the command carries no Le. */
  public int ne() {
    return ne;
  }

  public boolean isExtended() {
    return extended;
  }

  /**
   * A printable form. The command data are left out: they may carry a PIN (VERIFY, CHANGE
   * REFERENCE DATA) and must never reach a log.
   */
  @Override
  public String toString() {
    return String.format(
        "%02X %02X %02X %02X Lc=%d Ne=%d%s", cla, ins, p1, p2, data.length, ne,
        extended ? " ext" : "");
  }

  /** The full APDU in hex, data included; for tests only, never for logs. */
  public String toHexUnsafe() {
    return HexFormat.of().withUpperCase().formatHex(toBytes());
  }
}
