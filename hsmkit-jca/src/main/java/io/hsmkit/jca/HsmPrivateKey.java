package io.hsmkit.jca;

import io.hsmkit.client.keys.KeyInfo;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A handle to a private key that stays on the card: it names the key (key reference, id, label)
 * and carries its public key, but holds no key material, so {@link #getEncoded()} is null.
 *
 * <p>It deliberately does not implement {@code ECPrivateKey}/{@code RSAPrivateKey}: software
 * providers would then accept it during delayed provider selection and fail on {@code getS()}.
 * The subclasses implement {@code ECKey}/{@code RSAKey} instead so callers can size things.
 *
 * <p>{@link #destroy()} only invalidates this handle; the key on the card is deleted with {@code
 * KeyStore.deleteEntry}. Handles are bound to the provider instance that made them and cannot be
 * serialized.
 */
public abstract sealed class HsmPrivateKey implements PrivateKey, Destroyable
    permits HsmEcPrivateKey, HsmRsaPrivateKey {
  private static final long serialVersionUID = 1L;

  private final transient CardLink link;
  private final transient KeyInfo info;
  private volatile boolean destroyed;

  HsmPrivateKey(CardLink link, KeyInfo info) {
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

  /**
   * The public key from the key's CV request or certificate ({@code CExx}); null when the card holds
   * neither.
   */
  public PublicKey publicKey() {
    return info.publicKey();
  }

  /** Size in bits: the modulus length (RSA) or field length (EC). */
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

  @Override
  public boolean equals(Object o) {
    return o instanceof HsmPrivateKey k
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
    return "SmartCardHSM " + getAlgorithm() + " private key [ref " + info.keyRef() + ", id "
        + HexFormat.of().formatHex(info.id()) + ", label \"" + info.label() + "\""
        + (destroyed ? ", destroyed" : "") + "]";
  }

  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("a SmartCardHSM key handle cannot be serialized");
  }
}
