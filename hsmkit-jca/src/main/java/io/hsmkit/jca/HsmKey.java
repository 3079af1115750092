package io.hsmkit.jca;

import io.hsmkit.client.keys.KeyInfo;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.security.Key;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * What every handle to a key on the card shares: it names the key (key reference, id, label,
 * size) and holds no key material, so {@link #getEncoded()} is null and software providers never
 * accept it. {@link #destroy()} only invalidates the handle; {@code KeyStore.deleteEntry} deletes
 * the key. Handles are bound to the provider instance that made them and cannot be serialized.
 */
public abstract sealed class HsmKey implements Key, Destroyable permits HsmPrivateKey, HsmAesKey {
  private static final long serialVersionUID = 1L;

  private final transient CardLink link;
  private final transient KeyInfo info;
  private volatile boolean destroyed;

  HsmKey(CardLink link, KeyInfo info) {
    this.link = link;
    this.info = info;
  }

  /** The card's key reference: the key lives in {@code CCxx}, xx = this value. */
  public int keyReference() {
    return info.keyRef();
  }

  /** The PKCS#11 id (CKA_ID) from the key's description. */
  public byte[] id() {
    return info.id().clone();
  }

  /** The label (CKA_LABEL), empty when the key has none. */
  public String label() {
    return info.label();
  }

  /** Size in bits: the modulus length (RSA), field length (EC) or key length (AES). */
  public int sizeBits() {
    return info.sizeBits();
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

  /** Equal: a handle of the same kind to the same key of the same provider instance. */
  @Override
  public boolean equals(Object o) {
    return o instanceof HsmKey k
        && k.getClass() == getClass()
        && k.link == link
        && k.info.keyRef() == info.keyRef()
        && Arrays.equals(k.info.id(), info.id());
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(link), info.keyRef(), Arrays.hashCode(info.id()));
  }

  /** The handle as {@code SmartCardHSM <what> [ref, id, label]}. */
  String describe(String what) {
    return "SmartCardHSM " + what + " [ref " + info.keyRef() + ", id "
        + HexFormat.of().formatHex(info.id()) + ", label \"" + info.label() + "\""
        + (destroyed ? ", destroyed" : "") + "]";
  }

  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("a SmartCardHSM key handle cannot be serialized");
  }
}
