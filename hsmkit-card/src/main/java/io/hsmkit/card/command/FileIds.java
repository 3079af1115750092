package io.hsmkit.card.command;

/** File identifier prefixes of the SmartCard-HSM (docs/protocol.md#files). */
final class FileIds {
  public static final int MF = 0x3F00;
  public static final int DEV_AUT = 0x2F02;
  public static final int TOKEN_INFO = 0x2F03;
  public static final int UNWRAP_TRANSFER = 0x2F10;
  public static final int KEY_PREFIX = 0xCC;
  public static final int PRKD_PREFIX = 0xC4;
  public static final int EE_CERT_PREFIX = 0xCE;
  public static final int CA_CERT_PREFIX = 0xCA;
  public static final int CDF_PREFIX = 0xC8;
  public static final int DODF_PREFIX = 0xC9;
  public static final int PRIVATE_DATA_PREFIX = 0xCD;
  public static final int PUBLIC_DATA_PREFIX = 0xCF;

  /** Largest EF the card accepts; OpenSC's biggest read buffer is 4096 bytes. */
  public static final int MAX_EF_SIZE = 0x8000;

  private FileIds() {}

  public static boolean isKey(int fid) {
    return (fid >>> 8) == KEY_PREFIX;
  }

  /** PIN-protected data objects ({@code CDxx}) are readable only after VERIFY. */
  public static boolean isPrivateData(int fid) {
    return (fid >>> 8) == PRIVATE_DATA_PREFIX;
  }

  /** FIDs no command may create, write or delete as an EF. */
  public static boolean isReserved(int fid) {
    return fid == 0x0000 || fid == MF || fid == 0xFFFF || fid == DEV_AUT || isKey(fid);
  }
}
