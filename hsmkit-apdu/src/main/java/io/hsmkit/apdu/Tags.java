package io.hsmkit.apdu;

/**
 * The BER-TLV tags the card and the host both read or write, grouped by where they occur
 * (docs/protocol.md). Plain {@code int} constants so that they serve as {@code case} labels.
 */
public final class Tags {
  private Tags() {}

  /** The FCP of SELECT (docs/protocol.md#fcp). */
  public static final class Fcp {
    /** The FCP template. */
    public static final int TEMPLATE = 0x62;
    /** An EF's size (2 bytes). */
    public static final int FILE_SIZE = 0x80;
    /** File descriptor byte. */
    public static final int DESCRIPTOR = 0x82;
    /** The FID. */
    public static final int FILE_ID = 0x83;
    /** The applet's proprietary information: options, type, version. */
    public static final int PROPRIETARY = 0x85;

    private Fcp() {}
  }

  /** The odd-INS READ BINARY / UPDATE BINARY data (docs/protocol.md#read-binary). */
  public static final class OffsetData {
    /** The 2-byte offset. */
    public static final int OFFSET = 0x54;
    /** The bytes to write. */
    public static final int DATA = 0x53;

    private OffsetData() {}
  }

  /** INITIALIZE DEVICE's data (docs/protocol.md#initialize). */
  public static final class Initialize {
    public static final int OPTIONS = 0x80;
    public static final int USER_PIN = 0x81;
    public static final int SO_PIN = 0x82;
    public static final int RETRY_COUNTER = 0x91;
    public static final int DKEK_SHARES = 0x92;
    /** Public-key authentication (N, M); hsmkit's card answers 6A81. */
    public static final int PUBLIC_KEY_AUTH = 0x93;
    /** AIDs of biometric servers 1 and 2; hsmkit's card answers 6A81. */
    public static final int BIO_SERVER_1 = 0x95;
    public static final int BIO_SERVER_2 = 0x96;

    private Initialize() {}
  }

  private static final int[] ALL = {
    Fcp.TEMPLATE, Fcp.FILE_SIZE, Fcp.DESCRIPTOR, Fcp.FILE_ID, Fcp.PROPRIETARY,
    OffsetData.OFFSET, OffsetData.DATA,
    Initialize.OPTIONS, Initialize.USER_PIN, Initialize.SO_PIN, Initialize.RETRY_COUNTER,
    Initialize.DKEK_SHARES, Initialize.PUBLIC_KEY_AUTH, Initialize.BIO_SERVER_1,
    Initialize.BIO_SERVER_2
  };

  /** Every tag above, group by group (for the tests that check the groups). */
  static int[] all() {
    return ALL.clone();
  }
}
