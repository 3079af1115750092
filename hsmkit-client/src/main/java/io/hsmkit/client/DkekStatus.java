package io.hsmkit.client;

import java.util.HexFormat;

/**
 * The answer of IMPORT DKEK SHARE (docs/protocol.md#import-dkek-share).
 *
 * @param totalShares shares configured at INITIALIZE (0 = random DKEK made by the card)
 * @param outstanding shares still to import
 * @param kcv key check value: the first 8 bytes of SHA-256 of the DKEK (docs/protocol.md#kcv)
 */
public record DkekStatus(int totalShares, int outstanding, byte[] kcv) {
  public DkekStatus {
    kcv = kcv.clone();
  }

  @Override
  public byte[] kcv() {
    return kcv.clone();
  }

  /** KCV of the all-zero DKEK (SHA-256 of 32 zero bytes): the XOR of a share imported twice. */
  public static final String ZERO_DKEK_KCV = "66687AADF862BD77";

  /**
   * True when the card's KCV is that of the all-zero DKEK: every wrap made under it is readable by
   * anyone (SECURITY.md, "Degenerate DKEKs").
   */
  public boolean degenerate() {
    return kcvKnown() && kcvHex().equals(ZERO_DKEK_KCV);
  }

  /** The KCV as {@code sc-hsm-tool} prints it: 16 upper-case hex digits. */
  public String kcvHex() {
    return HexFormat.of().withUpperCase().formatHex(kcv);
  }

  /**
   * False when the card answered a zero KCV: hsmkit's card seals shares imported without a PIN
   * and, after a restart in the middle of a ceremony, can compute the KCV only once the next PIN
   * verification has folded them (SECURITY.md, "Keys at rest").
   */
  public boolean kcvKnown() {
    for (byte b : kcv) {
      if (b != 0) {
        return true;
      }
    }
    return false;
  }

  /** The KCV line's value: the hex digits, or why there are none yet. */
  public String kcvText() {
    return kcvKnown() ? kcvHex() : "pending (shown after the next user PIN login)";
  }

  public boolean complete() {
    return outstanding == 0;
  }
}
