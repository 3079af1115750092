package io.hsmkit.card.dispatch;

/**
 * The card's volatile state: cleared by power-off, reset and SELECT of the applet
 * (sc-hsm-protocol.md §9 trap 12, §11a).
 */
public final class SecurityStatus {
  /** No current EF. */
  public static final int NO_EF = -1;

  private boolean userPinVerified;
  private int currentEf = NO_EF;

  public boolean userPinVerified() {
    return userPinVerified;
  }

  public void setUserPinVerified(boolean verified) {
    this.userPinVerified = verified;
  }

  public int currentEf() {
    return currentEf;
  }

  public void setCurrentEf(int fid) {
    this.currentEf = fid;
  }

  public void clear() {
    userPinVerified = false;
    currentEf = NO_EF;
  }
}
