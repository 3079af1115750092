package io.hsmkit.apdu;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One BER-TLV element as the SmartCard-HSM uses them: tags of one to three bytes (e.g. {@code 80},
 * {@code 5F29}, {@code 7F49}), definite lengths up to {@code 83 LL LL LL}.
 */
public record Tlv(int tag, byte[] value) {

  public Tlv {
    if (tag <= 0 || tag > 0xFFFFFF) {
      throw new IllegalArgumentException("tag out of range: " + tag);
    }
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  public int length() {
    return value.length;
  }

  /** True when the tag's first byte has the constructed bit (0x20). */
  public boolean isConstructed() {
    int first = tag > 0xFFFF ? tag >>> 16 : tag > 0xFF ? tag >>> 8 : tag;
    return (first & 0x20) != 0;
  }

  /** The children of a constructed element. */
  public List<Tlv> children() throws TlvException {
    return parseAll(value);
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 8);
    writeTag(out, tag);
    writeLength(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** Parses a concatenation of TLVs that must fill {@code bytes} exactly. */
  public static List<Tlv> parseAll(byte[] bytes) throws TlvException {
    return parseAll(bytes, 0, bytes.length);
  }

  public static List<Tlv> parseAll(byte[] bytes, int offset, int end) throws TlvException {
    List<Tlv> result = new ArrayList<>();
    int[] pos = {offset};
    while (pos[0] < end) {
      result.add(parseAt(bytes, pos, end));
    }
    return result;
  }

  /** Parses the single TLV at the start of {@code bytes}; trailing bytes are ignored. */
  public static Tlv parseFirst(byte[] bytes) throws TlvException {
    return parseAt(bytes, new int[] {0}, bytes.length);
  }

  /** Length in bytes of the complete TLV encoded at the start of {@code bytes}. */
  public static int encodedLength(byte[] bytes) throws TlvException {
    int[] pos = {0};
    parseAt(bytes, pos, bytes.length);
    return pos[0];
  }

  /** Parses one TLV at {@code pos[0]}, advancing it past the element. */
  public static Tlv parseAt(byte[] b, int[] pos, int end) throws TlvException {
    int p = pos[0];
    if (p >= end) {
      throw new TlvException("missing tag");
    }
    int tag = b[p++] & 0xFF;
    if (tag == 0x00 || tag == 0xFF) {
      throw new TlvException("invalid tag byte " + String.format("%02X", tag));
    }
    if ((tag & 0x1F) == 0x1F) {
      int count = 0;
      int next;
      do {
        if (p >= end) {
          throw new TlvException("truncated tag");
        }
        next = b[p++] & 0xFF;
        tag = (tag << 8) | next;
        if (++count > 2) {
          throw new TlvException("tag longer than 3 bytes");
        }
      } while ((next & 0x80) != 0);
    }
    if (p >= end) {
      throw new TlvException("missing length");
    }
    int len = b[p++] & 0xFF;
    if (len > 0x80) {
      int n = len - 0x80;
      if (n > 3) {
        throw new TlvException("length field too long");
      }
      if (p + n > end) {
        throw new TlvException("truncated length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (b[p++] & 0xFF);
      }
    } else if (len == 0x80) {
      throw new TlvException("indefinite length not supported");
    }
    if (len > end - p) {
      throw new TlvException("value runs past the end");
    }
    byte[] value = new byte[len];
    System.arraycopy(b, p, value, 0, len);
    pos[0] = p + len;
    return new Tlv(tag, value);
  }

  /** The first element with {@code tag} in {@code list}. */
  public static Optional<Tlv> find(List<Tlv> list, int tag) {
    for (Tlv t : list) {
      if (t.tag == tag) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  static void writeTag(ByteArrayOutputStream out, int tag) {
    if (tag > 0xFFFF) {
      out.write(tag >>> 16);
    }
    if (tag > 0xFF) {
      out.write(tag >>> 8);
    }
    out.write(tag);
  }

  static void writeLength(ByteArrayOutputStream out, int len) {
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >>> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >>> 16);
      out.write(len >>> 8);
      out.write(len);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tlv t && t.tag == tag && java.util.Arrays.equals(t.value, value);
  }

  @Override
  public int hashCode() {
    return 31 * tag + java.util.Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return String.format("%X[%d]", tag, value.length) + HexFormat.of().formatHex(value);
  }
}
