package io.hsmkit.apdu;

import java.util.Arrays;

/** A response APDU: response data followed by the status word. */
public final class ResponseApdu {
  private final byte[] data;
  private final StatusWord sw;

  public ResponseApdu(byte[] data, StatusWord sw) {
    this.data = data.clone();
    this.sw = sw;
  }

  public ResponseApdu(StatusWord sw) {
    this(new byte[0], sw);
  }

  public static ResponseApdu parse(byte[] bytes) {
    if (bytes.length < 2) {
      throw new IllegalArgumentException("response APDU shorter than 2 bytes");
    }
    int n = bytes.length;
    return new ResponseApdu(
        Arrays.copyOf(bytes, n - 2), StatusWord.of(bytes[n - 2], bytes[n - 1]));
  }

  public byte[] data() {
    return data.clone();
  }

  public StatusWord sw() {
    return sw;
  }

  public byte[] toBytes() {
    byte[] out = Arrays.copyOf(data, data.length + 2);
    out[data.length] = (byte) sw.sw1();
    out[data.length + 1] = (byte) sw.sw2();
    return out;
  }

  @Override
  public String toString() {
    return data.length + " bytes, SW " + sw;
  }
}
