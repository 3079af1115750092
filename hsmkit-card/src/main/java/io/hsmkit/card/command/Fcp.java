package io.hsmkit.card.command;

import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.TlvWriter;

/** File control parameters returned by SELECT (docs/protocol.md#fcp). */
final class Fcp {
  /** Applet version reported in tag 85: 3.4, as a current Nitrokey HSM 2. */
  static final int VERSION_MAJOR = 3;
  static final int VERSION_MINOR = 4;
  /** Applet type byte of tag 85: 0 = "SmartCard-HSM Applet for JCOP". */
  static final int APPLET_TYPE = 0x00;

  private Fcp() {}

  /**
   * The applet FCP: {@code 62 { 85 05 opt-hi opt-lo type major minor }}. Option bit 0x04 (session
   * PIN) is always masked so OpenSC never takes its secure-messaging path (docs/protocol.md#no-sm).
   */
  static byte[] applet(int options) {
    int opts = options & ~0x0004;
    return new TlvWriter()
        .nest(
            Tags.Fcp.TEMPLATE,
            w ->
                w.add(
                    Tags.Fcp.PROPRIETARY,
                    new byte[] {
                      (byte) (opts >>> 8), (byte) opts, APPLET_TYPE, VERSION_MAJOR, VERSION_MINOR
                    }))
        .toByteArray();
  }

  /** An EF FCP with the exact size: {@code 62 { 80 size, 82 01, 83 fid }}. */
  static byte[] ef(int fid, int size) {
    return new TlvWriter()
        .nest(
            Tags.Fcp.TEMPLATE,
            w ->
                w.add(Tags.Fcp.FILE_SIZE, new byte[] {(byte) (size >>> 8), (byte) size})
                    .add(Tags.Fcp.DESCRIPTOR, new byte[] {0x01})
                    .add(Tags.Fcp.FILE_ID, new byte[] {(byte) (fid >>> 8), (byte) fid}))
        .toByteArray();
  }
}
