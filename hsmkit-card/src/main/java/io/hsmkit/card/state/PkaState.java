package io.hsmkit.card.state;

import java.util.Arrays;
import java.util.List;

/**
 * Public key authentication as INITIALIZE tag {@code 93 02 M N} configured it
 * (docs/protocol.md#pka): M keys to register, N of them needed to log in, the keys registered so
 * far and the master key wrapped for a login by PKA (SECURITY.md "Card identity and PKA trust").
 * Immutable.
 *
 * @param total M, the number of keys to register (1..90)
 * @param required N, the keys that must authenticate to log in (1..M)
 * @param keys the registered keys, in registration order
 * @param masterWrap the master key sealed under a key derived from the card's extra secret and
 *     the vault salt, opened when N keys have authenticated
 */
public record PkaState(int total, int required, List<Registered> keys, byte[] masterWrap) {

  /**
   * A registered key: the CHR of its request and the request's inner CVC ({@code 7F21}) with the
   * public key.
   */
  public record Registered(String chr, byte[] cvc) {
    public Registered {
      cvc = cvc.clone();
    }

    @Override
    public byte[] cvc() {
      return cvc.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Registered r && r.chr.equals(chr) && Arrays.equals(r.cvc, cvc);
    }

    @Override
    public int hashCode() {
      return chr.hashCode();
    }
  }

  public PkaState {
    if (total < 1 || total > 90 || required < 1 || required > total) {
      throw new IllegalArgumentException("PKA needs 1 <= N <= M <= 90");
    }
    keys = List.copyOf(keys);
    masterWrap = masterWrap.clone();
  }

  @Override
  public byte[] masterWrap() {
    return masterWrap.clone();
  }

  /** Keys still to register. */
  public int missing() {
    return total - keys.size();
  }

  /** This state with {@code key} registered at the end. */
  public PkaState with(Registered key) {
    List<Registered> next = new java.util.ArrayList<>(keys);
    next.add(key);
    return new PkaState(total, required, next, masterWrap);
  }

  public java.util.Optional<Registered> find(String chr) {
    return keys.stream().filter(k -> k.chr().equals(chr)).findFirst();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PkaState p && p.total == total && p.required == required
        && p.keys.equals(keys) && Arrays.equals(p.masterWrap, masterWrap);
  }

  @Override
  public int hashCode() {
    return total * 31 + required;
  }

  @Override
  public String toString() {
    return "PkaState[" + keys.size() + "/" + total + " registered, " + required + " required]";
  }
}
