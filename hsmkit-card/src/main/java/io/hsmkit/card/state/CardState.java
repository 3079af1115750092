package io.hsmkit.card.state;

import java.util.Arrays;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Everything a SmartCard-HSM keeps across power cycles (sc-hsm-protocol.md §11a): device identity,
 * PINs and their retry counters, the DKEK, keys and elementary files.
 *
 * <p>Mutable, but only ever changed on a private working copy ({@link #copy()}) that the card OS
 * commits as a whole after a command succeeds, so a failed command changes nothing.
 */
public final class CardState {
  /** SO-PIN tries on a real device; the SO-PIN cannot be unblocked. */
  public static final int SO_PIN_MAX_TRIES = 15;

  private final TreeMap<Integer, byte[]> files;
  private final TreeMap<Integer, KeyRecord> keys;
  private boolean initialized;
  private int options;
  private byte[] soPin;
  private int soTriesLeft;
  private byte[] userPin;
  private int userRetryMax;
  private int userTriesLeft;
  private boolean transportPin;
  private int dkekShares;
  private int dkekImported;
  private byte[] dkek;

  /** A factory-new card: not initialized, with only its identity (device key and EF 2F02). */
  public static CardState factoryNew(KeyRecord deviceKey, byte[] devAutCertificates) {
    CardState s = new CardState(new TreeMap<>(), new TreeMap<>());
    s.keys.put(0, deviceKey);
    s.files.put(0x2F02, devAutCertificates.clone());
    s.soPin = new byte[0];
    s.userPin = new byte[0];
    s.soTriesLeft = SO_PIN_MAX_TRIES;
    s.dkekShares = -1;
    s.dkek = new byte[0];
    return s;
  }

  private CardState(TreeMap<Integer, byte[]> files, TreeMap<Integer, KeyRecord> keys) {
    this.files = files;
    this.keys = keys;
  }

  /**
   * An independent copy. Key records are immutable and shared; so are file contents, which are
   * never changed in place ({@link #putFile} stores a private clone, {@link #file} callers must not
   * modify what they get): a copy costs two map copies however large the files are, which matters
   * because every state-changing APDU (VERIFY twice) makes one. PINs and the DKEK are copied, since
   * they are wiped in place when replaced.
   */
  public CardState copy() {
    CardState c = new CardState(new TreeMap<>(files), new TreeMap<>(keys));
    c.initialized = initialized;
    c.options = options;
    c.soPin = soPin.clone();
    c.soTriesLeft = soTriesLeft;
    c.userPin = userPin.clone();
    c.userRetryMax = userRetryMax;
    c.userTriesLeft = userTriesLeft;
    c.transportPin = transportPin;
    c.dkekShares = dkekShares;
    c.dkekImported = dkekImported;
    c.dkek = dkek.clone();
    return c;
  }

  // ---- elementary files ----

  /** The content of EF {@code fid}, or null. The array is the state's own: do not modify. */
  public byte[] file(int fid) {
    return files.get(fid);
  }

  public boolean hasFile(int fid) {
    return files.containsKey(fid);
  }

  public void putFile(int fid, byte[] content) {
    files.put(fid, content.clone());
  }

  public void deleteFile(int fid) {
    files.remove(fid);
  }

  public NavigableMap<Integer, byte[]> files() {
    return Collections.unmodifiableNavigableMap(files);
  }

  // ---- keys ----

  public KeyRecord key(int id) {
    return keys.get(id);
  }

  public void putKey(KeyRecord key) {
    keys.put(key.id(), key);
  }

  public void deleteKey(int id) {
    keys.remove(id);
  }

  public NavigableMap<Integer, KeyRecord> keys() {
    return Collections.unmodifiableNavigableMap(keys);
  }

  /**
   * INITIALIZE DEVICE wipes every key but the device key and every EF but EF.C_DevAut
   * (sc-hsm-protocol.md §2.10).
   */
  public void wipeForInitialize() {
    keys.keySet().removeIf(id -> id != 0);
    files.keySet().removeIf(fid -> fid != 0x2F02);
  }

  // ---- PINs ----

  public boolean initialized() {
    return initialized;
  }

  public void setInitialized(boolean initialized) {
    this.initialized = initialized;
  }

  /** Device options set at INITIALIZE (tag 80), e.g. 0x0001 = user PIN reset with SO-PIN. */
  public int options() {
    return options;
  }

  public void setOptions(int options) {
    this.options = options;
  }

  public byte[] soPin() {
    return soPin.clone();
  }

  public void setSoPin(byte[] soPin) {
    Arrays.fill(this.soPin, (byte) 0);
    this.soPin = soPin.clone();
  }

  public int soTriesLeft() {
    return soTriesLeft;
  }

  public void setSoTriesLeft(int n) {
    this.soTriesLeft = n;
  }

  public byte[] userPin() {
    return userPin.clone();
  }

  public void setUserPin(byte[] userPin) {
    Arrays.fill(this.userPin, (byte) 0);
    this.userPin = userPin.clone();
  }

  public int userPinLength() {
    return userPin.length;
  }

  public int userRetryMax() {
    return userRetryMax;
  }

  public void setUserRetryMax(int n) {
    this.userRetryMax = n;
  }

  public int userTriesLeft() {
    return userTriesLeft;
  }

  public void setUserTriesLeft(int n) {
    this.userTriesLeft = n;
  }

  /** Transport-PIN mode (option 0x0002): the user PIN must be changed before first use. */
  public boolean transportPin() {
    return transportPin;
  }

  public void setTransportPin(boolean transportPin) {
    this.transportPin = transportPin;
  }

  // ---- DKEK ----

  /** Configured DKEK shares: -1 = no DKEK (tag 92 absent), 0 = random DKEK, n = n shares. */
  public int dkekShares() {
    return dkekShares;
  }

  public int dkekImported() {
    return dkekImported;
  }

  /** The DKEK accumulator (32 bytes), or empty when no DKEK is configured. */
  public byte[] dkek() {
    return dkek.clone();
  }

  public void setDkek(int shares, int imported, byte[] value) {
    this.dkekShares = shares;
    this.dkekImported = imported;
    Arrays.fill(this.dkek, (byte) 0);
    this.dkek = value.clone();
  }

  /** True when a DKEK is configured and every share has been imported. */
  public boolean dkekComplete() {
    return dkekShares >= 0 && dkekImported >= dkekShares && dkek.length == 32;
  }

  // package-private access for the codec
  static CardState empty() {
    return new CardState(new TreeMap<>(), new TreeMap<>());
  }

  void restore(
      boolean initialized, int options, byte[] soPin, int soTriesLeft, byte[] userPin,
      int userRetryMax, int userTriesLeft, boolean transportPin, int dkekShares, int dkekImported,
      byte[] dkek) {
    this.initialized = initialized;
    this.options = options;
    this.soPin = soPin;
    this.soTriesLeft = soTriesLeft;
    this.userPin = userPin;
    this.userRetryMax = userRetryMax;
    this.userTriesLeft = userTriesLeft;
    this.transportPin = transportPin;
    this.dkekShares = dkekShares;
    this.dkekImported = dkekImported;
    this.dkek = dkek;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CardState s)) {
      return false;
    }
    if (!s.keys.equals(keys) || s.files.size() != files.size()) {
      return false;
    }
    for (var e : files.entrySet()) {
      if (!Arrays.equals(e.getValue(), s.files.get(e.getKey()))) {
        return false;
      }
    }
    return initialized == s.initialized
        && options == s.options
        && Arrays.equals(soPin, s.soPin)
        && soTriesLeft == s.soTriesLeft
        && Arrays.equals(userPin, s.userPin)
        && userRetryMax == s.userRetryMax
        && userTriesLeft == s.userTriesLeft
        && transportPin == s.transportPin
        && dkekShares == s.dkekShares
        && dkekImported == s.dkekImported
        && Arrays.equals(dkek, s.dkek);
  }

  @Override
  public int hashCode() {
    return keys.hashCode() * 31 + files.size();
  }

  @Override
  public String toString() {
    return "CardState[initialized=" + initialized + ", keys=" + keys.keySet() + ", files="
        + files.size() + "]";
  }
}
