package io.hsmkit.jca;

import io.hsmkit.client.keys.KeyInfo;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;

/** An EC key on the card; {@link #getParams()} gives its curve. */
public final class HsmEcPrivateKey extends HsmPrivateKey implements ECKey {
  private static final long serialVersionUID = 1L;

  HsmEcPrivateKey(CardLink link, KeyInfo info) {
    super(link, info);
  }

  @Override
  public String getAlgorithm() {
    return "EC";
  }

  /** The curve parameters, from the public key; null when the public key is unknown. */
  @Override
  public ECParameterSpec getParams() {
    return publicKey() instanceof ECPublicKey p ? p.getParams() : null;
  }
}
