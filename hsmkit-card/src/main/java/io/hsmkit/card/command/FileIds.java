package io.hsmkit.card.command;

/**
 * File identifier prefixes of the SmartCard-HSM (docs/protocol.md#files), from the table the host
 * shares ({@link io.hsmkit.apdu.FileIds}), with the card's own rules on them.
 */
final class FileIds {
  public static final int MF = io.hsmkit.apdu.FileIds.MF;
  public static final int DEV_AUT = io.hsmkit.apdu.FileIds.DEV_AUT;
  public static final int TOKEN_INFO = io.hsmkit.apdu.FileIds.TOKEN_INFO;
  public static final int UNWRAP_TRANSFER = io.hsmkit.apdu.FileIds.UNWRAP_TRANSFER;
  public static final int KEY_PREFIX = io.hsmkit.apdu.FileIds.KEY_PREFIX;
  public static final int PRKD_PREFIX = io.hsmkit.apdu.FileIds.PRKD_PREFIX;
  public static final int EE_CERT_PREFIX = io.hsmkit.apdu.FileIds.EE_CERT_PREFIX;
  public static final int CA_CERT_PREFIX = io.hsmkit.apdu.FileIds.CA_CERT_PREFIX;
  public static final int CDF_PREFIX = io.hsmkit.apdu.FileIds.CDF_PREFIX;
  public static final int DODF_PREFIX = io.hsmkit.apdu.FileIds.DODF_PREFIX;
  public static final int PRIVATE_DATA_PREFIX = io.hsmkit.apdu.FileIds.PRIVATE_DATA_PREFIX;
  public static final int PUBLIC_DATA_PREFIX = io.hsmkit.apdu.FileIds.PUBLIC_DATA_PREFIX;

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
