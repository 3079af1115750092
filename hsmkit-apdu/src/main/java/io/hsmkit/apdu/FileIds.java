package io.hsmkit.apdu;

/**
 * The SmartCard-HSM's file identifiers and the prefixes (high byte) of its object classes
 * (docs/protocol.md#files): key {@code CCxx}, its PrKD {@code C4xx}, certificates {@code CExx}.
 */
public final class FileIds {
  public static final int MF = 0x3F00;
  /** The device certificate chain (C_DevAut). */
  public static final int DEV_AUT = 0x2F02;
  public static final int TOKEN_INFO = 0x2F03;
  /** Where OpenSC 0.24+ writes the blob before UNWRAP KEY. */
  public static final int UNWRAP_TRANSFER = 0x2F10;
  public static final int KEY_PREFIX = 0xCC;
  public static final int PRKD_PREFIX = 0xC4;
  public static final int EE_CERT_PREFIX = 0xCE;
  public static final int CA_CERT_PREFIX = 0xCA;
  public static final int CDF_PREFIX = 0xC8;
  public static final int DODF_PREFIX = 0xC9;
  public static final int PRIVATE_DATA_PREFIX = 0xCD;
  public static final int PUBLIC_DATA_PREFIX = 0xCF;

  private FileIds() {}

  /** The FID {@code prefix ‖ id}, e.g. {@code of(KEY_PREFIX, 1) == 0xCC01}. */
  public static int of(int prefix, int id) {
    if (prefix < 0 || prefix > 0xFF || id < 0 || id > 0xFF) {
      throw new IllegalArgumentException("prefix and id are bytes");
    }
    return (prefix << 8) | id;
  }

  /** True when {@code fid}'s high byte is {@code prefix}. */
  public static boolean hasPrefix(int fid, int prefix) {
    return (fid >>> 8) == prefix;
  }
}
