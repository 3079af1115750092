package io.hsmkit.jca.spi;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmEcPrivateKey;
import java.io.IOException;
import java.security.InvalidKeyException;

/**
 * ECDSA: {@code SHAxwithECDSA} hashes on the host and sends the hash to the card (algorithm
 * {@code EC_RAW}, 0x70), so messages of any length stream without going to the card; {@code
 * NONEwithECDSA} sends the caller's hash as is (at most 64 bytes, as SunEC; the card truncates a
 * hash longer than the order, as ECDSA prescribes). The signature is minimal DER, see {@link
 * EcdsaDer}.
 */
public final class EcdsaSignatureSpi extends FixedHashSignatureSpi<HsmEcPrivateKey> {
  private static final int RAW_LIMIT = 64;

  /** {@code hash} null is NONEwithECDSA. */
  public EcdsaSignatureSpi(CardLink link, HashAlgorithm hash) {
    super(link, HsmEcPrivateKey.class, hash, "ECDSA");
  }

  @Override
  protected void checkKey(HsmEcPrivateKey key) throws InvalidKeyException {
    if (key.getParams() == null) {
      throw new InvalidKeyException("the card holds no public key for " + key + "; its curve is unknown");
    }
  }

  @Override
  protected int rawLimit(HsmEcPrivateKey key) {
    return RAW_LIMIT;
  }

  @Override
  protected byte[] cardInput(HsmEcPrivateKey key, byte[] hashOrData) {
    return hashOrData;
  }

  @Override
  protected byte[] signOnCard(SmartCardHsmSession s, HsmEcPrivateKey key, byte[] input)
      throws IOException, HsmException {
    byte[] der = s.sign(key.keyReference(), AlgorithmId.EC_RAW, input);
    try {
      return io.hsmkit.client.keys.EcdsaSignatures.toMinimalDer(der);
    } catch (TlvException e) {
      throw new HsmException("the card answered with a malformed ECDSA signature", null);
    }
  }
}
