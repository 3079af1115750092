package io.hsmkit.jca;

import io.hsmkit.client.keys.KeyInfo;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.security.auth.Destroyable;

/**
 * A handle to an AES key that stays on the card (GENERATE SYMMETRIC KEY, docs/protocol.md#cipher):
 * key reference, id, label and size, no key material, so {@link #getEncoded()} is null and
 * software providers never accept it. {@code Cipher} {@code AES/CBC/NoPadding} and {@code Mac}
 * {@code AESCMAC} of this provider use it; it is the key of the KeyStore's {@code SecretKeyEntry}.
 *
 * <p>{@link #destroy()} only invalidates this handle; {@code KeyStore.deleteEntry} deletes the key.
 * Bound to the provider instance that made it; not serializable.
 */
public final class HsmAesKey implements SecretKey, Destroyable {
  private static final long serialVersionUID = 1L;

  private final transient CardLink link;
  private final transient KeyInfo info;
  private volatile boolean destroyed;

  HsmAesKey(CardLink link, KeyInfo info) {
    this.link = link;
    this.info = info;
  }

  /** The card's key reference: the key lives in {@code CCxx}, xx = this value. */
  public int keyReference() {
    return info.keyRef();
  }

  /** The PKCS#11 id (CKA_ID) from the key's secret key description. */
  public byte[] id() {
    return info.id().clone();
  }

  /** The label (CKA_LABEL), empty when the key has none. */
  public String label() {
    return info.label();
  }

  /** 128, 192 or 256. */
  public int sizeBits() {
    return info.sizeBits();
  }

  @Override
  public String getAlgorithm() {
    return "AES";
  }

  @Override
  public String getFormat() {
    return null;
  }

  /** Always null: the key never leaves the card. */
  @Override
  public byte[] getEncoded() {
    return null;
  }

  @Override
  public void destroy() {
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  CardLink link() {
    return link;
  }

  KeyInfo info() {
    return info;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HsmAesKey k
        && k.link == link
        && k.info.keyRef() == info.keyRef()
        && Arrays.equals(k.info.id(), info.id());
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(link), info.keyRef(), Arrays.hashCode(info.id()));
  }

  @Override
  public String toString() {
    return "SmartCardHSM AES-" + info.sizeBits() + " key [ref " + info.keyRef() + ", id "
        + HexFormat.of().formatHex(info.id()) + ", label \"" + info.label() + "\""
        + (destroyed ? ", destroyed" : "") + "]";
  }

  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("a SmartCardHSM key handle cannot be serialized");
  }
}
