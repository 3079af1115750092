package io.hsmkit.jca.spi;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.client.HsmException;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmEcPrivateKey;
import java.io.IOException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;

/**
 * ECDH with a card key and a peer's public key: the card multiplies the peer point ({@code EC_DH},
 * 0x80) and the shared secret is the X coordinate, as {@code CKM_ECDH1_DERIVE} with {@code
 * CKD_NULL} and SunEC's ECDH give it. The peer key is checked on the host first (same curve, point
 * on the curve), so a wrong key fails at {@code doPhase} with {@link InvalidKeyException}.
 */
public final class EcdhKeyAgreementSpi extends KeyAgreementSpi {
  private final CardLink link;
  private HsmEcPrivateKey key;
  private byte[] peerPoint;

  public EcdhKeyAgreementSpi(CardLink link) {
    this.link = link;
  }

  @Override
  protected void engineInit(Key k, SecureRandom random) throws InvalidKeyException {
    key = link.requireKey(k, HsmEcPrivateKey.class, "ECDH");
    if (key.getParams() == null) {
      throw new InvalidKeyException("the card holds no public key for " + key + "; its curve is unknown");
    }
    peerPoint = null;
  }

  @Override
  protected void engineInit(Key k, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params != null) {
      throw new InvalidAlgorithmParameterException("ECDH takes no parameters");
    }
    engineInit(k, random);
  }

  @Override
  protected Key engineDoPhase(Key k, boolean lastPhase) throws InvalidKeyException {
    if (key == null) {
      throw new IllegalStateException("not initialized");
    }
    if (!lastPhase) {
      throw new IllegalStateException("ECDH has exactly one phase; pass lastPhase = true");
    }
    if (!(k instanceof ECPublicKey peer)) {
      throw new InvalidKeyException("ECDH needs the peer's ECPublicKey");
    }
    if (!sameCurve(peer.getParams(), key.getParams())) {
      throw new InvalidKeyException("the peer key is on another curve than " + key);
    }
    org.bouncycastle.math.ec.ECPoint q;
    try {
      q = EC5Util.convertPoint(peer.getParams(), peer.getW());
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("the peer point is not a point of the curve", e);
    }
    // Checked here so an invalid-curve point fails as a bad key, not as a card error.
    if (q.isInfinity() || !q.isValid()) {
      throw new InvalidKeyException("the peer point is not on the curve");
    }
    peerPoint = q.getEncoded(false);
    return null;
  }

  private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
    return a.getCurve().equals(b.getCurve())
        && a.getGenerator().equals(b.getGenerator())
        && a.getOrder().equals(b.getOrder())
        && a.getCofactor() == b.getCofactor();
  }

  @Override
  protected byte[] engineGenerateSecret() {
    if (peerPoint == null) {
      throw new IllegalStateException("doPhase has not been called");
    }
    byte[] point = peerPoint;
    peerPoint = null;
    HsmEcPrivateKey k = key;
    int len = (k.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    byte[] shared;
    try {
      shared = link.call("derive", s -> s.decipher(k.keyReference(), AlgorithmId.EC_DH, point));
    } catch (HsmException e) {
      throw JcaErrors.card(e);
    } catch (IOException e) {
      throw JcaErrors.transport(e);
    }
    try {
      // The card answers with the shared point 04 || X || Y; the secret is X.
      if (shared.length != 1 + 2 * len || shared[0] != 0x04) {
        throw new ProviderException("SmartCardHSM: the card answered ECDH with an unexpected value");
      }
      return Arrays.copyOfRange(shared, 1, 1 + len);
    } finally {
      Arrays.fill(shared, (byte) 0);
    }
  }

  @Override
  protected int engineGenerateSecret(byte[] out, int offset) throws ShortBufferException {
    int len = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    if (out.length - offset < len) {
      throw new ShortBufferException("need " + len + " bytes");
    }
    byte[] secret = engineGenerateSecret();
    System.arraycopy(secret, 0, out, offset, secret.length);
    Arrays.fill(secret, (byte) 0);
    return secret.length;
  }

  @Override
  protected SecretKey engineGenerateSecret(String algorithm) throws NoSuchAlgorithmException {
    if (algorithm == null) {
      throw new NoSuchAlgorithmException("no algorithm given");
    }
    byte[] secret = engineGenerateSecret();
    try {
      return new SecretKeySpec(secret, algorithm);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
