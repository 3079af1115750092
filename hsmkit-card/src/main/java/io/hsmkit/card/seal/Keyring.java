package io.hsmkit.card.seal;

import io.hsmkit.card.dkek.Dkek;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.StateDraft;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.card.state.Vault;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One card's key custody (SECURITY.md "Keys at rest", "PIN policy"): makes and opens the {@link
 * Vault}, seals and unseals private keys, the DKEK and DKEK shares, and keeps what the card holds
 * in RAM between commands. One instance per card; nothing is static, so many cards live in one JVM.
 *
 * <p>Two RAM shortcuts, neither of which weakens a check:
 *
 * <ul>
 *   <li>PIN fast path: after the user PIN opened the master key once, the master key stays in RAM
 *       sealed under HMAC(random RAM key, PIN). A repeated VERIFY with the same PIN opens it with
 *       one HMAC instead of one Argon2 run (OpenSC re-verifies on every connection); any other
 *       PIN takes the full Argon2 path. Bound to the current user wrapping, so a PIN change or a
 *       reset by the SO makes it useless at once.
 *   <li>DKEK accumulator: shares imported without a PIN are XORed into a RAM copy so IMPORT DKEK
 *       SHARE can answer the KCV; valid only while it matches the stored sealed DKEK and the
 *       number of pending shares.
 * </ul>
 */
public final class Keyring {
  static final int MASTER_KEY_LENGTH = 32;
  private static final int SALT_LENGTH = 16;

  private final SecureRandom random;
  private final KdfParams newCardKdf;
  private final byte[] extraSecret;
  private final byte[] ramKey;

  private byte[] pinCacheBinding;
  private byte[] pinCacheBlob;
  private byte[] dkekBinding;
  private byte[] dkekValue;

  /**
   * @param newCardKdf the Argon2 cost INITIALIZE records for a new vault
   * @param extraSecret mixed into every PIN derivation (Argon2's secret input); empty for none
   */
  public Keyring(SecureRandom random, KdfParams newCardKdf, byte[] extraSecret) {
    this.random = random;
    this.newCardKdf = newCardKdf;
    this.extraSecret = extraSecret.clone();
    this.ramKey = new byte[32];
    random.nextBytes(ramKey);
  }

  // ---- vault ----

  public byte[] newMasterKey() {
    byte[] mk = new byte[MASTER_KEY_LENGTH];
    random.nextBytes(mk);
    return mk;
  }

  /** A new vault for {@code mk} (INITIALIZE, migration): new salt, new import key pair. */
  public Vault newVault(byte[] mk, byte[] userPin, byte[] soPin) {
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    byte[][] imp = ShareSealer.newKeyPair(random);
    byte[] importPrivate = Aead.seal(mk, imp[0], importAad(imp[1]), random);
    Arrays.fill(imp[0], (byte) 0);
    Vault v = new Vault(newCardKdf, salt, new byte[0], new byte[0], userPin.length, imp[1],
        importPrivate, secretCheck(salt));
    v = v.withUserWrap(wrap(v, "user", userPin, mk), userPin.length).withSoWrap(
        wrap(v, "so", soPin, mk));
    rememberPin(v, userPin, mk);
    return v;
  }

  /** The master key if {@code pin} is the user PIN; the fast path first (class comment). */
  public Optional<byte[]> openWithUserPin(Vault v, byte[] pin) {
    Optional<byte[]> fast = fromPinCache(v, pin);
    if (fast.isPresent()) {
      return fast;
    }
    Optional<byte[]> mk = unwrap(v, "user", v.userWrap(), pin);
    mk.ifPresent(k -> rememberPin(v, pin, k));
    return mk;
  }

  /** The master key if {@code soPin} is the SO-PIN (always the full Argon2 path). */
  public Optional<byte[]> openWithSoPin(Vault v, byte[] soPin) {
    return unwrap(v, "so", v.soWrap(), soPin);
  }

  /** {@code v} with the master key re-wrapped under a new user PIN. */
  public Vault withUserPin(Vault v, byte[] mk, byte[] newPin) {
    Vault next = v.withUserWrap(wrap(v, "user", newPin, mk), newPin.length);
    rememberPin(next, newPin, mk);
    return next;
  }

  /** {@code v} with the master key re-wrapped under a new SO-PIN. */
  public Vault withSoPin(Vault v, byte[] mk, byte[] newSoPin) {
    return v.withSoWrap(wrap(v, "so", newSoPin, mk));
  }

  /**
   * Empty when this keyring's extra secret is the one {@code v} was made with, else a one-line
   * reason (no secret is ever named). Checked when a card opens, so a missing or wrong secret is
   * a clear error and never burns a PIN try.
   */
  public Optional<String> secretMismatch(Vault v) {
    byte[] stored = v.secretCheck();
    if (stored.length == 0 && extraSecret.length == 0) {
      return Optional.empty();
    }
    if (stored.length == 0) {
      return Optional.of("this card state was initialized without an extra secret, but one is"
          + " given");
    }
    if (extraSecret.length == 0) {
      return Optional.of("this card state was initialized with an extra secret, and none is"
          + " given");
    }
    return MessageDigest.isEqual(stored, secretCheck(v.salt()))
        ? Optional.empty()
        : Optional.of("the extra secret given is not the one this card state was initialized"
            + " with");
  }

  private byte[] secretCheck(byte[] salt) {
    if (extraSecret.length == 0) {
      return new byte[0];
    }
    return hmac(extraSecret, concat(ascii("hsmkit card secret check"), salt));
  }

  private byte[] wrap(Vault v, String role, byte[] pin, byte[] mk) {
    byte[] kek = PinKdf.derive(v.kdf(), v.salt(), pin, extraSecret, role);
    try {
      return Aead.seal(kek, mk, wrapAad(v, role), random);
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  private Optional<byte[]> unwrap(Vault v, String role, byte[] wrapped, byte[] pin) {
    byte[] kek = PinKdf.derive(v.kdf(), v.salt(), pin, extraSecret, role);
    try {
      return Aead.open(kek, wrapped, wrapAad(v, role));
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  private static byte[] wrapAad(Vault v, String role) {
    ByteBuffer b = ByteBuffer.allocate(64 + SALT_LENGTH);
    b.put(ascii("hsmkit master key " + role));
    b.put(v.salt());
    b.putInt(v.kdf().memoryKiB()).putInt(v.kdf().iterations()).putInt(v.kdf().parallelism());
    return Arrays.copyOf(b.array(), b.position());
  }

  private void rememberPin(Vault v, byte[] pin, byte[] mk) {
    byte[] k = hmac(ramKey, pin);
    pinCacheBinding = sha256(v.userWrap());
    pinCacheBlob = Aead.seal(k, mk, pinCacheBinding, random);
    Arrays.fill(k, (byte) 0);
  }

  private Optional<byte[]> fromPinCache(Vault v, byte[] pin) {
    if (pinCacheBlob == null || !MessageDigest.isEqual(pinCacheBinding, sha256(v.userWrap()))) {
      return Optional.empty();
    }
    byte[] k = hmac(ramKey, pin);
    try {
      return Aead.open(k, pinCacheBlob, pinCacheBinding);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  /** Forgets the PIN fast path (INITIALIZE). */
  public void forgetPin() {
    pinCacheBinding = null;
    pinCacheBlob = null;
  }

  // ---- public key authentication ----

  /**
   * The master key sealed for a login by public key authentication (SECURITY.md "Card identity
   * and PKA trust"): no PIN is involved, so the key comes from the extra secret and the vault
   * salt only. Without an extra secret it protects nothing against a reader of the state file.
   */
  public byte[] sealForPka(Vault v, byte[] mk) {
    byte[] kek = pkaKek(v);
    try {
      return Aead.seal(kek, mk, pkaAad(v), random);
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /** The master key from {@link #sealForPka}'s blob. */
  public Optional<byte[]> openForPka(Vault v, byte[] wrap) {
    byte[] kek = pkaKek(v);
    try {
      return Aead.open(kek, wrap, pkaAad(v));
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  private byte[] pkaKek(Vault v) {
    byte[] key = extraSecret.length > 0 ? extraSecret : ascii("hsmkit no extra secret");
    return hmac(key, concat(ascii("hsmkit pka master key "), v.salt()));
  }

  private static byte[] pkaAad(Vault v) {
    return concat(ascii("hsmkit master key pka"), v.salt());
  }

  // ---- private keys ----

  /** {@code plain} with its PKCS#8 private key sealed under {@code mk}. */
  public KeyRecord seal(KeyRecord plain, byte[] mk) {
    if (plain.sealed()) {
      return plain;
    }
    byte[] pkcs8 = plain.privateKey();
    try {
      return plain.withSealedPrivate(Aead.seal(mk, pkcs8, keyAad(plain), random));
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** The PKCS#8 private key of {@code key}. */
  public static byte[] unseal(KeyRecord key, byte[] mk) {
    if (!key.sealed()) {
      return key.privateKey();
    }
    if (mk == null) {
      throw new IllegalStateException("key " + key.id() + " is sealed and the card is locked");
    }
    return Aead.open(mk, key.privateKey(), keyAad(key))
        .orElseThrow(() -> new IllegalStateException("key " + key.id() + " does not unseal"));
  }

  private static byte[] keyAad(KeyRecord k) {
    return concat(ascii("hsmkit key " + k.id() + " "), k.publicKey());
  }

  // ---- DKEK ----

  public byte[] sealDkek(byte[] mk, byte[] dkek) {
    return Aead.seal(mk, dkek, ascii("hsmkit dkek"), random);
  }

  public static byte[] openDkek(byte[] mk, byte[] sealed) {
    return Aead.open(mk, sealed, ascii("hsmkit dkek"))
        .orElseThrow(() -> new IllegalStateException("the DKEK does not unseal"));
  }

  /**
   * The KEK accumulator of key domain {@code domain} >= 1 sealed under the master key; the domain
   * number is bound in, so one domain's blob cannot stand in for another's.
   */
  public byte[] sealDomainKek(byte[] mk, int domain, byte[] kek) {
    return Aead.seal(mk, kek, ascii("hsmkit key domain " + domain), random);
  }

  public static byte[] openDomainKek(byte[] mk, int domain, byte[] sealed) {
    return Aead.open(mk, sealed, ascii("hsmkit key domain " + domain))
        .orElseThrow(() -> new IllegalStateException("the KEK of domain " + domain
            + " does not unseal"));
  }

  /** A share sealed to the import public key; {@code index} = its place in the pending list. */
  public byte[] sealShare(Vault v, byte[] share, int index) {
    return ShareSealer.seal(v.importPublic(), share, shareAad(index), random);
  }

  /**
   * Folds every pending share into the sealed DKEK of the draft {@code d} (the master key is open)
   * and returns the plaintext accumulator; the caller owns it.
   */
  public byte[] foldShares(StateDraft d, byte[] mk) {
    CardState s = d.state();
    byte[] acc = openDkek(mk, s.dkekSealed());
    List<byte[]> pending = s.pendingShares();
    if (!pending.isEmpty()) {
      Vault v = s.vault();
      byte[] importPrivate = Aead.open(mk, v.importPrivate(), importAad(v.importPublic()))
          .orElseThrow(() -> new IllegalStateException("the import key does not unseal"));
      try {
        for (int i = 0; i < pending.size(); i++) {
          byte[] share = ShareSealer.open(importPrivate, pending.get(i), shareAad(i))
              .orElseThrow(() -> new IllegalStateException("a DKEK share does not unseal"));
          byte[] next = Dkek.combine(acc, share);
          Arrays.fill(share, (byte) 0);
          Arrays.fill(acc, (byte) 0);
          acc = next;
        }
      } finally {
        Arrays.fill(importPrivate, (byte) 0);
      }
      d.setDkek(s.dkekShares(), s.dkekImported(), sealDkek(mk, acc), Dkek.kcv(acc));
      d.setPendingShares(List.of());
    }
    rememberDkek(s, acc);
    return acc;
  }

  /**
   * The plaintext accumulator of {@code s}, which has no pending share, learnt into RAM; the caller
   * owns it.
   */
  public byte[] learnDkek(CardState s, byte[] mk) {
    byte[] acc = openDkek(mk, s.dkekSealed());
    rememberDkek(s, acc);
    return acc;
  }

  private static byte[] importAad(byte[] importPublic) {
    return concat(ascii("hsmkit import key "), importPublic);
  }

  private static byte[] shareAad(int index) {
    return ascii("hsmkit dkek share " + index);
  }

  /** The whole DKEK accumulator of {@code s} if this card's RAM knows it (class comment). */
  public Optional<byte[]> knownDkek(CardState s) {
    if (dkekValue == null || !MessageDigest.isEqual(dkekBinding, dkekBinding(s))) {
      return Optional.empty();
    }
    return Optional.of(dkekValue.clone());
  }

  /** Records {@code acc} as the whole accumulator of {@code s} (shares folded and pending). */
  public void rememberDkek(CardState s, byte[] acc) {
    forgetDkek();
    dkekBinding = dkekBinding(s);
    dkekValue = acc.clone();
  }

  public void forgetDkek() {
    if (dkekValue != null) {
      Arrays.fill(dkekValue, (byte) 0);
    }
    dkekValue = null;
    dkekBinding = null;
  }

  private static byte[] dkekBinding(CardState s) {
    MessageDigest md = sha();
    md.update(s.dkekSealed());
    md.update(ByteBuffer.allocate(8).putInt(s.pendingShares().size()).putInt(s.dkekImported())
        .array());
    for (byte[] p : s.pendingShares()) {
      md.update(p);
    }
    return md.digest();
  }

  // ---- migration ----

  /**
   * The v2 form of a state read from a v1 file: a new master key wrapped under the PINs the v1
   * file held in plaintext, every key and the DKEK sealed. The plaintext is dropped.
   */
  public StateDraft migrate(CardState v1) {
    CardState.Legacy legacy = v1.legacy();
    StateDraft s = v1.edit();
    s.setLegacy(null);
    if (!v1.initialized()) {
      s.setDkek(-1, 0, new byte[0], new byte[0]);
      return s;
    }
    byte[] mk = newMasterKey();
    try {
      Vault v = newVault(mk, legacy.userPin(), legacy.soPin());
      s.setVault(v);
      for (KeyRecord k : new ArrayList<>(v1.keys().values())) {
        if (k.id() != 0) {
          s.putKey(seal(k, mk));
        }
      }
      if (v1.dkekShares() >= 0 && legacy.dkek().length == Dkek.LENGTH) {
        s.setDkek(v1.dkekShares(), v1.dkekImported(), sealDkek(mk, legacy.dkek()),
            Dkek.kcv(legacy.dkek()));
      } else {
        s.setDkek(-1, 0, new byte[0], new byte[0]);
      }
      s.setPendingShares(List.of());
      return s;
    } finally {
      Arrays.fill(mk, (byte) 0);
      forgetPin();
    }
  }

  // ---- helpers ----

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] b) {
    return sha().digest(b);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
