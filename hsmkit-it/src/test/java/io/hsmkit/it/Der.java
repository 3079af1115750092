package io.hsmkit.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal BER-TLV reader (one- and two-byte tags, definite lengths), written for the interop
 * tests so that checks on files made by real tools do not go through hsmkit's own TLV code.
 */
record Der(int tag, byte[] value) {

  /** All TLVs in {@code b}, in order. */
  static List<Der> parseAll(byte[] b) {
    List<Der> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < b.length) {
      out.add(parse(b, pos));
    }
    return out;
  }

  static Der parse(byte[] b, int[] pos) {
    int p = pos[0];
    int tag = b[p++] & 0xFF;
    if ((tag & 0x1F) == 0x1F) {
      tag = (tag << 8) | (b[p++] & 0xFF);
    }
    int len = b[p++] & 0xFF;
    if (len > 0x80) {
      int n = len & 0x7F;
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (b[p++] & 0xFF);
      }
    } else if (len == 0x80) {
      throw new IllegalArgumentException("indefinite length at " + pos[0]);
    }
    if (p + len > b.length) {
      throw new IllegalArgumentException("TLV at " + pos[0] + " runs past the end");
    }
    pos[0] = p + len;
    return new Der(tag, Arrays.copyOfRange(b, p, p + len));
  }

  /** The single TLV that is all of {@code b}. */
  static Der parseOne(byte[] b) {
    int[] pos = {0};
    Der d = parse(b, pos);
    if (pos[0] != b.length) {
      throw new IllegalArgumentException((b.length - pos[0]) + " bytes after the TLV");
    }
    return d;
  }

  List<Der> children() {
    return parseAll(value);
  }

  /** The first child with {@code tag}. */
  Der child(int tag) {
    return children().stream()
        .filter(d -> d.tag == tag)
        .findFirst()
        .orElseThrow(() -> new AssertionError(String.format("no tag %X in %X", tag, this.tag)));
  }

  /** Follows a path of tags through nested constructed TLVs. */
  Der path(int... tags) {
    Der d = this;
    for (int t : tags) {
      d = d.child(t);
    }
    return d;
  }
}
