package io.hsmkit.client.backup;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.apdu.TlvWriter;
import java.util.List;

/**
 * The file {@code sc-hsm-tool --wrap-key} writes and {@code --unwrap-key} reads
 * (docs/protocol.md#wrap-file): {@code 30 { 04 key-blob, [PrKD TLV], [certificate TLV] }}, where the
 * certificate is an X.509 certificate ({@code 30 ..}) or the CV request ({@code 67 ..}).
 *
 * @param blob the key blob from WRAP KEY (encrypted under the DKEK)
 * @param prkd the PrKD TLV from {@code C4xx}, or null
 * @param certificate the TLV from {@code CExx}, or null
 */
public record WrapFile(byte[] blob, byte[] prkd, byte[] certificate) {

  /**
   * The KCV of the DKEK the blob was wrapped under: its first 8 bytes (docs/protocol.md#key-blob),
   * in the upper-case hex {@code sc-hsm-tool} prints.
   */
  public String blobKcvHex() {
    return java.util.HexFormat.of().withUpperCase()
        .formatHex(java.util.Arrays.copyOf(blob, Math.min(8, blob.length)));
  }

  public byte[] encode() {
    TlvWriter inner = new TlvWriter().add(0x04, blob);
    if (prkd != null) {
      inner.raw(prkd);
    }
    if (certificate != null) {
      inner.raw(certificate);
    }
    return new TlvWriter().add(0x30, inner.toByteArray()).toByteArray();
  }

  /** Parses a wrap file as {@code sc-hsm-tool} does: the blob first, then up to two TLVs. */
  public static WrapFile decode(byte[] file) throws TlvException {
    Tlv outer = Tlv.parseFirst(file);
    if (outer.tag() != 0x30) {
      throw new TlvException("not a wrapped key file (no outer SEQUENCE)");
    }
    List<Tlv> items = outer.children();
    if (items.isEmpty() || items.get(0).tag() != 0x04) {
      throw new TlvException("not a wrapped key file (no key blob)");
    }
    if (items.size() > 3) {
      throw new TlvException("wrapped key file has unexpected extra elements");
    }
    byte[] prkd = items.size() > 1 ? items.get(1).encode() : null;
    byte[] cert = items.size() > 2 ? items.get(2).encode() : null;
    return new WrapFile(items.get(0).value(), prkd, cert);
  }
}
