package io.hsmkit.client;

import java.util.HexFormat;

/**
 * The answer of IMPORT DKEK SHARE (sc-hsm-protocol.md §2.11).
 *
 * @param totalShares shares configured at INITIALIZE (0 = random DKEK made by the card)
 * @param outstanding shares still to import
 * @param kcv key check value: the first 8 bytes of SHA-256 of the DKEK (§6)
 */
public record DkekStatus(int totalShares, int outstanding, byte[] kcv) {
  public DkekStatus {
    kcv = kcv.clone();
  }

  @Override
  public byte[] kcv() {
    return kcv.clone();
  }

  /** The KCV as {@code sc-hsm-tool} prints it: 16 upper-case hex digits. */
  public String kcvHex() {
    return HexFormat.of().withUpperCase().formatHex(kcv);
  }

  public boolean complete() {
    return outstanding == 0;
  }
}
