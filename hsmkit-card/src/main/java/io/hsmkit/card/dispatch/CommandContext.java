package io.hsmkit.card.dispatch;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.PreparedKey;
import io.hsmkit.card.seal.Keyring;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.StateDraft;
import io.hsmkit.card.state.StateException;
import io.hsmkit.card.state.StateStore;
import java.time.Clock;

/**
 * Everything one command may use. State changes go to a private working copy made on the first
 * {@link #edit()}; the card OS commits it only if the handler returns normally, so a command that
 * ends in an error status changes nothing — except what the handler made durable on purpose with
 * {@link #commitNow()} (the PIN retry counter, decremented before the comparison).
 */
public final class CommandContext {
  private final StateStore store;
  private final SecurityStatus security;
  private final CardCrypto crypto;
  private final Clock clock;
  private final String deviceChr;
  private final Keyring keyring;
  private StateDraft working;
  private boolean dirty;

  public CommandContext(
      StateStore store, SecurityStatus security, CardCrypto crypto, Clock clock,
      String deviceChr, Keyring keyring) {
    this.keyring = keyring;
    this.store = store;
    this.security = security;
    this.crypto = crypto;
    this.clock = clock;
    this.deviceChr = deviceChr;
  }

  /**
   * The state as this command sees it (its working copy once it has edited). Read only: reads
   * return copies, so nothing done with it reaches the committed state.
   */
  public CardState state() {
    return working != null ? working.state() : store.current();
  }

  /** The working copy, made on first use; the store commits it when the handler succeeds. */
  public StateDraft edit() {
    if (working == null) {
      working = store.current().edit();
    }
    dirty = true;
    return working;
  }

  /**
   * Makes the working copy durable now, before the command goes on. Used where a crash must not
   * undo a change (a PIN try is never given back by pulling the plug).
   */
  public void commitNow() throws SwException {
    if (working != null && dirty) {
      try {
        store.commit(working);
      } catch (StateException e) {
        throw new SwException(StatusWord.MEMORY_FAILURE);
      }
      dirty = false;
    }
  }

  /** True when the handler changed the state after the last {@link #commitNow()}. */
  public boolean dirty() {
    return dirty;
  }

  /** The working copy, or null if the handler never edited. */
  public StateDraft working() {
    return working;
  }

  public SecurityStatus security() {
    return security;
  }

  public CardCrypto crypto() {
    return crypto;
  }

  public Clock clock() {
    return clock;
  }

  /** The device certificate holder reference from EF 2F02 (outer CAR of key requests). */
  public String deviceChr() {
    return deviceChr;
  }

  /** The card's key custody: vault, sealing, RAM shortcuts. */
  public Keyring keyring() {
    return keyring;
  }

  /** The master key the user PIN opened in this session; {@code 6982} when not logged in. */
  public byte[] masterKey() throws SwException {
    byte[] mk = security.masterKey();
    if (mk == null) {
      throw new SwException(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    }
    return mk;
  }

  /** {@code key} sealed under the session's master key, ready to store. */
  public KeyRecord seal(KeyRecord key) throws SwException {
    return keyring.seal(key, masterKey());
  }

  /** The key decoded for its provider, unsealed with the session's master key on a cache miss. */
  public PreparedKey prepared(KeyRecord key) throws SwException {
    if (!key.sealed()) {
      return crypto.prepared(key);
    }
    byte[] mk = masterKey();
    return crypto.prepared(key, k -> Keyring.unseal(k, mk));
  }

  /** Ends the command with {@code 6982} unless the user PIN has been verified. */
  public void requireUserPin() throws SwException {
    if (!security.userPinVerified()) {
      throw new SwException(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    }
  }

  /** Ends the command with {@code 6A88} if the device was never initialized. */
  public void requireInitialized() throws SwException {
    if (!state().initialized()) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
  }
}
