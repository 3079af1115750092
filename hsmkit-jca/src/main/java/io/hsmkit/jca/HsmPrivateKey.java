package io.hsmkit.jca;

import io.hsmkit.client.keys.KeyInfo;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * A handle to a private key that stays on the card: it names the key (key reference, id, label)
 * and carries its public key, but holds no key material, so {@link #getEncoded()} is null.
 *
 * <p>It deliberately does not implement {@code ECPrivateKey}/{@code RSAPrivateKey}: software
 * providers would then accept it during delayed provider selection and fail on {@code getS()}.
 * The subclasses implement {@code ECKey}/{@code RSAKey} instead so callers can size things.
 *
 * <p>What every card key handle shares (no key material, destroy, equality) is in {@link HsmKey}.
 */
public abstract sealed class HsmPrivateKey extends HsmKey implements PrivateKey
    permits HsmEcPrivateKey, HsmRsaPrivateKey {
  private static final long serialVersionUID = 1L;

  HsmPrivateKey(CardLink link, KeyInfo info) {
    super(link, info);
  }

  /**
   * The public key from the key's CV request or certificate ({@code CExx}); null when the card holds
   * neither.
   */
  public PublicKey publicKey() {
    return info().publicKey();
  }

  @Override
  public String toString() {
    return describe(getAlgorithm() + " private key");
  }
}
