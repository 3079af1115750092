package io.hsmkit.card.state;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;

/**
 * Everything a SmartCard-HSM keeps across power cycles (docs/protocol.md#state-model): device identity,
 * PIN retry counters, the {@link Vault} (master key wrapped under the PINs), the DKEK, keys and
 * elementary files. Private keys, the DKEK and DKEK shares are held only sealed (SECURITY.md "Keys
 * at rest"); PINs are not held at all. A state read from a format-v1 file carries its plaintext
 * secrets in {@link #legacy()} until the card OS migrates it.
 *
 * <p>Read only outside this package: every accessor returns a copy or an unmodifiable view, and
 * the mutators are package-private. A change is made on a {@link StateDraft} ({@link #edit()}),
 * which only a {@link StateStore} turns into the next committed state, as a whole, after a command
 * succeeds; so a failed command changes nothing and no caller can make memory and disk disagree
 * (docs/protocol.md#state-model).
 */
public final class CardState {
  /** SO-PIN tries on a real device; the SO-PIN cannot be unblocked. */
  public static final int SO_PIN_MAX_TRIES = 15;

  private final TreeMap<Integer, byte[]> files;
  private final TreeMap<Integer, KeyRecord> keys;
  private boolean initialized;
  private int options;
  private int soTriesLeft;
  private int userRetryMax;
  private int userTriesLeft;
  private boolean transportPin;
  private int dkekShares;
  private int dkekImported;
  private byte[] dkek;
  private byte[] dkekKcv;
  private List<byte[]> pendingShares;
  private List<byte[]> shareDigests;
  private Vault vault;
  private Legacy legacy;
  private int keyDomainSlots;
  private TreeMap<Integer, KeyDomain> domains = new TreeMap<>();
  private TreeMap<Integer, Integer> keyDomains = new TreeMap<>();
  private byte[] trustAnchor = new byte[0];
  private PkaState pka;

  /**
   * The plaintext secrets of a format-v1 state, kept only between decoding and migration; the
   * v2 encoder refuses a state that still has them.
   *
   * @param dkek the plaintext DKEK accumulator (empty when none)
   */
  public record Legacy(byte[] soPin, byte[] userPin, byte[] dkek) {}

  /** A factory-new card: not initialized, with only its identity (device key and EF 2F02). */
  public static CardState factoryNew(KeyRecord deviceKey, byte[] devAutCertificates) {
    return factoryNew(deviceKey, devAutCertificates, new byte[0]);
  }

  /**
   * A factory-new card that trusts {@code rootCvc} (its SRCA, SECURITY.md "Card identity and PKA
   * trust"); empty for none.
   */
  public static CardState factoryNew(
      KeyRecord deviceKey, byte[] devAutCertificates, byte[] rootCvc) {
    CardState s = new CardState(new TreeMap<>(), new TreeMap<>());
    s.trustAnchor = rootCvc.clone();
    s.keys.put(0, deviceKey);
    s.files.put(0x2F02, devAutCertificates.clone());
    s.soTriesLeft = SO_PIN_MAX_TRIES;
    s.dkekShares = -1;
    s.dkek = new byte[0];
    s.dkekKcv = new byte[0];
    s.pendingShares = List.of();
    s.shareDigests = List.of();
    return s;
  }

  private CardState(TreeMap<Integer, byte[]> files, TreeMap<Integer, KeyRecord> keys) {
    this.files = files;
    this.keys = keys;
  }

  /**
   * An independent copy (package-private: outside this package a state is read only, and a
   * change starts with {@link #edit()}). Key records are immutable and shared; so are file contents, which are
   * never changed in place ({@link #putFile} stores a private clone, {@link #file} callers must not
   * modify what they get): a copy costs two map copies however large the files are, which matters
   * because every state-changing APDU (VERIFY twice) makes one. The vault and the pending shares
   * are immutable and shared too.
   */
  CardState copy() {
    CardState c = new CardState(new TreeMap<>(files), new TreeMap<>(keys));
    c.initialized = initialized;
    c.options = options;
    c.soTriesLeft = soTriesLeft;
    c.userRetryMax = userRetryMax;
    c.userTriesLeft = userTriesLeft;
    c.transportPin = transportPin;
    c.dkekShares = dkekShares;
    c.dkekImported = dkekImported;
    c.dkek = dkek;
    c.dkekKcv = dkekKcv;
    c.pendingShares = pendingShares;
    c.shareDigests = shareDigests;
    c.vault = vault;
    c.legacy = legacy;
    c.keyDomainSlots = keyDomainSlots;
    c.domains = new TreeMap<>(domains);
    c.keyDomains = new TreeMap<>(keyDomains);
    c.trustAnchor = trustAnchor;
    c.pka = pka;
    return c;
  }

  // ---- elementary files ----

  /** A copy of the content of EF {@code fid}, or null. */
  public byte[] file(int fid) {
    byte[] f = files.get(fid);
    return f == null ? null : f.clone();
  }

  public boolean hasFile(int fid) {
    return files.containsKey(fid);
  }

  void putFile(int fid, byte[] content) {
    files.put(fid, content.clone());
  }

  void deleteFile(int fid) {
    files.remove(fid);
  }

  /** The file ids present, in order (a read-only view). */
  public NavigableSet<Integer> fileIds() {
    return Collections.unmodifiableNavigableSet(files.navigableKeySet());
  }

  /** A copy of every file (contents copied too): costs as much as the files are large. */
  public NavigableMap<Integer, byte[]> files() {
    TreeMap<Integer, byte[]> c = new TreeMap<>();
    files.forEach((fid, content) -> c.put(fid, content.clone()));
    return Collections.unmodifiableNavigableMap(c);
  }

  /** The state's own file map, for the codec: not to be handed out. */
  NavigableMap<Integer, byte[]> filesInternal() {
    return Collections.unmodifiableNavigableMap(files);
  }

  // ---- keys ----

  public KeyRecord key(int id) {
    return keys.get(id);
  }

  /** A new key at an id starts in domain 0; the caller sets another with {@link #setKeyDomain}. */
  void putKey(KeyRecord key) {
    keys.put(key.id(), key);
    keyDomains.remove(key.id());
  }

  void deleteKey(int id) {
    keys.remove(id);
    keyDomains.remove(id);
  }

  public NavigableMap<Integer, KeyRecord> keys() {
    return Collections.unmodifiableNavigableMap(keys);
  }

  /**
   * INITIALIZE DEVICE wipes every key but the device key and every EF but EF.C_DevAut
   * (docs/protocol.md#initialize).
   */
  void wipeForInitialize() {
    keys.keySet().removeIf(id -> id != 0);
    files.keySet().removeIf(fid -> fid != 0x2F02);
    shareDigests = List.of();
    keyDomainSlots = 0;
    domains.clear();
    keyDomains.clear();
  }

  // ---- key domains (docs/protocol.md#key-domains) ----

  /**
   * Key-domain slots set by INITIALIZE tag 97, 0 when it was absent; slot 0 is the DKEK, so a
   * card always has at least {@link #domainCount()} = 1.
   */
  public int keyDomainSlots() {
    return keyDomainSlots;
  }

  /** The valid domain numbers are 0 .. domainCount() - 1. */
  public int domainCount() {
    return Math.max(1, keyDomainSlots);
  }

  void setKeyDomainSlots(int n) {
    this.keyDomainSlots = n;
  }

  /** The created domain {@code d} >= 1, or null for an empty slot (domain 0: the DKEK fields). */
  public KeyDomain domain(int d) {
    return domains.get(d);
  }

  /** The created domains above 0, by number (read-only view). */
  public NavigableMap<Integer, KeyDomain> domains() {
    return Collections.unmodifiableNavigableMap(domains);
  }

  void putDomain(int d, KeyDomain domain) {
    if (d < 1 || d > 255) {
      throw new IllegalArgumentException("key domain out of range: " + d);
    }
    domains.put(d, domain);
  }

  void deleteDomain(int d) {
    domains.remove(d);
  }

  /** The domain key {@code id} belongs to: 0 unless GENERATE or UNWRAP put it in another. */
  public int keyDomain(int id) {
    return keyDomains.getOrDefault(id, 0);
  }

  /** The keys outside domain 0, key id to domain (read-only view). */
  public NavigableMap<Integer, Integer> keyDomains() {
    return Collections.unmodifiableNavigableMap(keyDomains);
  }

  void setKeyDomain(int id, int domain) {
    if (!keys.containsKey(id)) {
      throw new IllegalArgumentException("no key " + id);
    }
    if (domain == 0) {
      keyDomains.remove(id);
    } else {
      keyDomains.put(id, domain);
    }
  }

  // ---- public key authentication ----

  /**
   * The root CVC (self-signed) the card trusts as SRCA when it verifies device certificates;
   * empty for a card made before hsmkit kept one. Kept across INITIALIZE, like the identity.
   */
  public byte[] trustAnchor() {
    return trustAnchor.clone();
  }

  void setTrustAnchor(byte[] rootCvc) {
    this.trustAnchor = rootCvc.clone();
  }

  /** The PKA configuration and registered keys, or null when INITIALIZE had no tag 93. */
  public PkaState pka() {
    return pka;
  }

  void setPka(PkaState pka) {
    this.pka = pka;
  }

  // ---- PINs ----

  public boolean initialized() {
    return initialized;
  }

  void setInitialized(boolean initialized) {
    this.initialized = initialized;
  }

  /** Device options set at INITIALIZE (tag 80), e.g. 0x0001 = user PIN reset with SO-PIN. */
  public int options() {
    return options;
  }

  void setOptions(int options) {
    this.options = options;
  }

  /** The master key's wrappings and the import key; null before INITIALIZE (or before migration). */
  public Vault vault() {
    return vault;
  }

  void setVault(Vault vault) {
    this.vault = vault;
  }

  /** The plaintext secrets of a format-v1 state awaiting migration, or null. */
  public Legacy legacy() {
    return legacy == null ? null
        : new Legacy(legacy.soPin().clone(), legacy.userPin().clone(), legacy.dkek().clone());
  }

  void setLegacy(Legacy legacy) {
    this.legacy = legacy;
  }

  public int soTriesLeft() {
    return soTriesLeft;
  }

  void setSoTriesLeft(int n) {
    this.soTriesLeft = n;
  }

  public int userPinLength() {
    return vault == null ? 0 : vault.userPinLength();
  }

  public int userRetryMax() {
    return userRetryMax;
  }

  void setUserRetryMax(int n) {
    this.userRetryMax = n;
  }

  public int userTriesLeft() {
    return userTriesLeft;
  }

  void setUserTriesLeft(int n) {
    this.userTriesLeft = n;
  }

  /** Transport-PIN mode (option 0x0002): the user PIN must be changed before first use. */
  public boolean transportPin() {
    return transportPin;
  }

  void setTransportPin(boolean transportPin) {
    this.transportPin = transportPin;
  }

  // ---- DKEK ----

  /** Configured DKEK shares: -1 = no DKEK (tag 92 absent), 0 = random DKEK, n = n shares. */
  public int dkekShares() {
    return dkekShares;
  }

  /** Shares imported so far, folded into {@link #dkekSealed()} or still {@link #pendingShares()}. */
  public int dkekImported() {
    return dkekImported;
  }

  /**
   * The DKEK accumulator of the shares folded so far, sealed under the master key; empty when no
   * DKEK is configured.
   */
  public byte[] dkekSealed() {
    return dkek.clone();
  }

  /**
   * KCV of the whole accumulator (folded and pending shares), or empty while unknown (shares
   * arrived after a restart and before the next VERIFY). Not secret: the real card tells it
   * without a PIN.
   */
  public byte[] dkekKcv() {
    return dkekKcv.clone();
  }

  void setDkek(int shares, int imported, byte[] sealed, byte[] kcv) {
    this.dkekShares = shares;
    this.dkekImported = imported;
    this.dkek = sealed.clone();
    this.dkekKcv = kcv.clone();
  }

  /** Shares imported without a PIN, each sealed to the import key, not yet folded in. */
  public List<byte[]> pendingShares() {
    return deepCopy(pendingShares);
  }

  void setPendingShares(List<byte[]> sealedShares) {
    this.pendingShares = sealedShares.stream().map(byte[]::clone).toList();
  }

  /**
   * Salted digests of the DKEK shares imported since INITIALIZE, so that a repeated share can be
   * refused (an hsmkit deviation from the chip, SECURITY.md "Degenerate DKEKs"): not secret, a share has 256 bits.
   */
  public List<byte[]> shareDigests() {
    return deepCopy(shareDigests);
  }

  private static List<byte[]> deepCopy(List<byte[]> list) {
    return list.stream().map(byte[]::clone).toList();
  }

  /** A draft that starts as a copy of this state; only a {@link StateStore} commits it. */
  public StateDraft edit() {
    return new StateDraft(this);
  }

  void setShareDigests(List<byte[]> digests) {
    this.shareDigests = digests.stream().map(byte[]::clone).toList();
  }

  /** True when a DKEK is configured, every share has been imported and folded in. */
  public boolean dkekComplete() {
    return dkekShares >= 0 && dkekImported >= dkekShares && dkek.length > 0
        && pendingShares.isEmpty();
  }

  // package-private access for the codec
  static CardState empty() {
    CardState s = new CardState(new TreeMap<>(), new TreeMap<>());
    s.dkek = new byte[0];
    s.dkekKcv = new byte[0];
    s.pendingShares = List.of();
    s.shareDigests = List.of();
    return s;
  }

  void restore(
      boolean initialized, int options, int soTriesLeft, int userRetryMax, int userTriesLeft,
      boolean transportPin, int dkekShares, int dkekImported) {
    this.initialized = initialized;
    this.options = options;
    this.soTriesLeft = soTriesLeft;
    this.userRetryMax = userRetryMax;
    this.userTriesLeft = userTriesLeft;
    this.transportPin = transportPin;
    this.dkekShares = dkekShares;
    this.dkekImported = dkekImported;
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
    if (s.pendingShares.size() != pendingShares.size()) {
      return false;
    }
    for (int i = 0; i < pendingShares.size(); i++) {
      if (!Arrays.equals(pendingShares.get(i), s.pendingShares.get(i))) {
        return false;
      }
    }
    if (s.shareDigests.size() != shareDigests.size()) {
      return false;
    }
    for (int i = 0; i < shareDigests.size(); i++) {
      if (!Arrays.equals(shareDigests.get(i), s.shareDigests.get(i))) {
        return false;
      }
    }
    return initialized == s.initialized
        && keyDomainSlots == s.keyDomainSlots
        && domains.equals(s.domains)
        && keyDomains.equals(s.keyDomains)
        && options == s.options
        && soTriesLeft == s.soTriesLeft
        && userRetryMax == s.userRetryMax
        && userTriesLeft == s.userTriesLeft
        && transportPin == s.transportPin
        && dkekShares == s.dkekShares
        && dkekImported == s.dkekImported
        && Arrays.equals(dkek, s.dkek)
        && Arrays.equals(dkekKcv, s.dkekKcv)
        && java.util.Objects.equals(vault, s.vault)
        && Arrays.equals(trustAnchor, s.trustAnchor)
        && java.util.Objects.equals(pka, s.pka)
        && legacyEquals(legacy, s.legacy);
  }

  private static boolean legacyEquals(Legacy a, Legacy b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Arrays.equals(a.soPin(), b.soPin()) && Arrays.equals(a.userPin(), b.userPin())
        && Arrays.equals(a.dkek(), b.dkek());
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
