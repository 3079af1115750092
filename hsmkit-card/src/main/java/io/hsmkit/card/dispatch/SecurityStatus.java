package io.hsmkit.card.dispatch;

/**
 * The card's volatile state: cleared by power-off, reset and SELECT of the applet
 * (docs/protocol.md#traps trap 12, docs/protocol.md#state-model). The master key is open exactly while the user PIN is
 * verified: the login and the key go together, so nothing can use a key without a VERIFY in the
 * same session.
 */
public final class SecurityStatus {
  /** No current EF. */
  public static final int NO_EF = -1;

  /** Non-null exactly while the user PIN is verified. */
  private byte[] masterKey;
  private int currentEf = NO_EF;
  private final PkaSession pka = new PkaSession();

  public boolean userPinVerified() {
    return masterKey != null;
  }

  /** User PIN verified: the session holds the master key it opened. */
  public void login(byte[] openedMasterKey) {
    logout();
    this.masterKey = openedMasterKey.clone();
  }

  /** Ends the login and wipes the master key. */
  public void logout() {
    if (masterKey != null) {
      java.util.Arrays.fill(masterKey, (byte) 0);
    }
    masterKey = null;
  }

  /** The open master key (the card's own array: do not keep or change it), or null. */
  public byte[] masterKey() {
    return masterKey;
  }

  public int currentEf() {
    return currentEf;
  }

  public void setCurrentEf(int fid) {
    this.currentEf = fid;
  }

  /** Public key authentication's volatile part: verified keys, selections, the challenge. */
  public PkaSession pka() {
    return pka;
  }

  public void clear() {
    logout();
    currentEf = NO_EF;
    pka.clear();
  }
}
