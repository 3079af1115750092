package io.hsmkit.apdu;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Builds a concatenation of BER-TLV elements, nesting constructed ones with a lambda. */
public final class TlvWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public TlvWriter add(int tag, byte[] value) {
    Tlv.writeTag(out, tag);
    Tlv.writeLength(out, value.length);
    out.writeBytes(value);
    return this;
  }

  public TlvWriter add(int tag, String ascii) {
    return add(tag, ascii.getBytes(StandardCharsets.US_ASCII));
  }

  public TlvWriter addByte(int tag, int value) {
    return add(tag, new byte[] {(byte) value});
  }

  public TlvWriter add(Tlv tlv) {
    out.writeBytes(tlv.encode());
    return this;
  }

  /** Appends already-encoded bytes unchanged. */
  public TlvWriter raw(byte[] encoded) {
    out.writeBytes(encoded);
    return this;
  }

  public TlvWriter nest(int tag, Consumer<TlvWriter> body) {
    TlvWriter inner = new TlvWriter();
    body.accept(inner);
    return add(tag, inner.toByteArray());
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
