package io.hsmkit.card.state;

import java.util.Arrays;
import java.util.List;

/**
 * A created key-domain slot above 0 (docs/protocol.md#key-domains): a DKEK assembled from {@code
 * shares} shares. Domain 0 is the card's DKEK itself ({@link CardState#dkekShares()} and the
 * fields beside it), kept where it always was so that a card without key domains is stored byte
 * for byte as before.
 *
 * @param shares the number of shares the KEK is made of (1..255)
 * @param imported shares imported so far
 * @param sealed the XOR of the shares imported so far, sealed under the master key (SECURITY.md
 *     "Keys at rest"); never plaintext
 * @param kcv the accumulator's key check value (not secret: the card tells it without a PIN)
 * @param shareDigests salted digests of the shares imported, so a repeated share is refused
 */
public record KeyDomain(int shares, int imported, byte[] sealed, byte[] kcv, List<byte[]> shareDigests) {

  public KeyDomain {
    sealed = sealed.clone();
    kcv = kcv.clone();
    shareDigests = shareDigests.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] sealed() {
    return sealed.clone();
  }

  @Override
  public byte[] kcv() {
    return kcv.clone();
  }

  @Override
  public List<byte[]> shareDigests() {
    return shareDigests.stream().map(byte[]::clone).toList();
  }

  /** Every share imported: the KEK can wrap and unwrap. */
  public boolean complete() {
    return imported >= shares;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KeyDomain d) || d.shares != shares || d.imported != imported
        || !Arrays.equals(d.sealed, sealed) || !Arrays.equals(d.kcv, kcv)
        || d.shareDigests.size() != shareDigests.size()) {
      return false;
    }
    for (int i = 0; i < shareDigests.size(); i++) {
      if (!Arrays.equals(d.shareDigests.get(i), shareDigests.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * shares + imported;
  }

  @Override
  public String toString() {
    return "KeyDomain[shares=" + shares + ", imported=" + imported + "]";
  }
}
