package io.hsmkit.jca.spi;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmKeyGenParameterSpec;
import java.io.IOException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;

/**
 * Key generation on the card, laid out as OpenSC does it ({@link KeyManager#generate}: key in
 * {@code CCxx}, CV request in {@code CExx}, label and id in {@code C4xx}), so the key is visible to
 * {@code pkcs11-tool} and to this provider's KeyStore under its label. The {@link SecureRandom}
 * argument is ignored: the card uses its own generator. Needs the user PIN.
 */
abstract class CardKeyPairGeneratorSpi extends KeyPairGeneratorSpi {
  private final CardLink link;
  private KeySpec spec;
  private String label = "";
  private byte[] id;

  CardKeyPairGeneratorSpi(CardLink link, KeySpec defaultSpec) {
    this.link = link;
    this.spec = defaultSpec;
  }

  /** The card's key type for a key size, or {@link InvalidParameterException}. */
  protected abstract KeySpec forSize(int keysize);

  /** The card's key type for EC/RSA parameters, or {@link InvalidAlgorithmParameterException}. */
  protected abstract KeySpec forParameters(AlgorithmParameterSpec params)
      throws InvalidAlgorithmParameterException;

  @Override
  public void initialize(int keysize, SecureRandom random) {
    spec = forSize(keysize);
    label = "";
    id = null;
  }

  @Override
  public void initialize(AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidAlgorithmParameterException {
    if (params instanceof HsmKeyGenParameterSpec h) {
      KeySpec s = h.keySpec() == null ? spec : forParameters(h.keySpec());
      byte[] i = h.id();
      if (i != null && (i.length == 0 || i.length > 255)) {
        throw new InvalidAlgorithmParameterException("the key id must be 1..255 bytes");
      }
      spec = s;
      label = h.label() == null ? "" : h.label();
      id = i;
    } else {
      spec = forParameters(params);
      label = "";
      id = null;
    }
  }

  @Override
  public KeyPair generateKeyPair() {
    KeySpec s = spec;
    String l = label;
    byte[] i = id;
    try {
      KeyInfo info = link.call("generate a key", session -> new KeyManager(session).generate(s, i, l));
      link.keysChanged();
      return new KeyPair(info.publicKey(), link.keyFor(info));
    } catch (HsmException e) {
      throw JcaErrors.card(e);
    } catch (IOException e) {
      throw JcaErrors.transport(e);
    }
  }
}
