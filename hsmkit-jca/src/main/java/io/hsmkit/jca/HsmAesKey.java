package io.hsmkit.jca;

import io.hsmkit.client.keys.KeyInfo;
import javax.crypto.SecretKey;

/**
 * A handle to an AES key that stays on the card (GENERATE SYMMETRIC KEY, docs/protocol.md#cipher):
 * key reference, id, label and size ({@link HsmKey}). {@code Cipher} {@code AES/CBC/NoPadding} and
 * {@code Mac} {@code AESCMAC} of this provider use it; it is the key of the KeyStore's {@code
 * SecretKeyEntry}.
 */
public final class HsmAesKey extends HsmKey implements SecretKey {
  private static final long serialVersionUID = 1L;

  HsmAesKey(CardLink link, KeyInfo info) {
    super(link, info);
  }

  @Override
  public String getAlgorithm() {
    return "AES";
  }

  @Override
  public String toString() {
    return describe("AES-" + sizeBits() + " key");
  }
}
