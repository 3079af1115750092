package io.hsmkit.card.state;

import java.util.List;

/**
 * A change in progress: a private copy of a {@link CardState} with the mutators, made by {@link
 * CardState#edit()}. Nothing it does reaches the committed state until a {@link StateStore}
 * commits it, and the store keeps its own copy, so the draft may be reused or dropped afterwards
 * (docs/protocol.md#state-model).
 */
public final class StateDraft {
  private final CardState next;

  StateDraft(CardState base) {
    this.next = base.copy();
  }

  /** The draft as it stands, read only (changes made later through the draft show through). */
  public CardState state() {
    return next;
  }

  /** An independent copy of the draft as it stands: what a store commits. */
  CardState snapshot() {
    return next.copy();
  }

  public void putFile(int fid, byte[] content) {
    next.putFile(fid, content);
  }

  public void deleteFile(int fid) {
    next.deleteFile(fid);
  }

  public void putKey(KeyRecord key) {
    next.putKey(key);
  }

  public void deleteKey(int id) {
    next.deleteKey(id);
  }

  /** See {@link CardState}: INITIALIZE DEVICE keeps only the device key and EF.C_DevAut. */
  public void wipeForInitialize() {
    next.wipeForInitialize();
  }

  public void setInitialized(boolean initialized) {
    next.setInitialized(initialized);
  }

  public void setOptions(int options) {
    next.setOptions(options);
  }

  public void setVault(Vault vault) {
    next.setVault(vault);
  }

  /** The PKA configuration (INITIALIZE tag 93) and registered keys; null for none. */
  public void setPka(PkaState pka) {
    next.setPka(pka);
  }

  public void setLegacy(CardState.Legacy legacy) {
    next.setLegacy(legacy);
  }

  public void setSoTriesLeft(int n) {
    next.setSoTriesLeft(n);
  }

  public void setUserRetryMax(int n) {
    next.setUserRetryMax(n);
  }

  public void setUserTriesLeft(int n) {
    next.setUserTriesLeft(n);
  }

  public void setTransportPin(boolean transportPin) {
    next.setTransportPin(transportPin);
  }

  public void setDkek(int shares, int imported, byte[] sealed, byte[] kcv) {
    next.setDkek(shares, imported, sealed, kcv);
  }

  public void setPendingShares(List<byte[]> sealedShares) {
    next.setPendingShares(sealedShares);
  }

  public void setShareDigests(List<byte[]> digests) {
    next.setShareDigests(digests);
  }

  public void setKeyDomainSlots(int n) {
    next.setKeyDomainSlots(n);
  }

  public void putDomain(int d, KeyDomain domain) {
    next.putDomain(d, domain);
  }

  public void deleteDomain(int d) {
    next.deleteDomain(d);
  }

  public void setKeyDomain(int id, int domain) {
    next.setKeyDomain(id, domain);
  }
}
