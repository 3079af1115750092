package io.hsmkit.client.ca;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.client.keys.Mechanism;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.RuntimeOperatorException;

/**
 * A Bouncy Castle {@link ContentSigner} whose private key is on the card, so certificates and CSRs
 * are built by BC PKIX and only the signature comes from the card. ECDSA uses SHA-256 up to
 * 256-bit curves, SHA-384 for 320/384 and SHA-512 above; RSA uses SHA-256 with PKCS#1 v1.5.
 */
public final class CardContentSigner implements ContentSigner {
  private final KeyOperations ops;
  private final KeyInfo key;
  private final Mechanism mechanism;
  private final AlgorithmIdentifier algorithm;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  public CardContentSigner(KeyOperations ops, KeyInfo key) {
    this.ops = ops;
    this.key = key;
    String name;
    if (key.isEc()) {
      if (key.sizeBits() <= 256) {
        mechanism = Mechanism.ECDSA_SHA256;
        name = "SHA256withECDSA";
      } else if (key.sizeBits() <= 384) {
        mechanism = Mechanism.ECDSA_SHA384;
        name = "SHA384withECDSA";
      } else {
        mechanism = Mechanism.ECDSA_SHA512;
        name = "SHA512withECDSA";
      }
    } else {
      mechanism = Mechanism.RSA_PKCS1_SHA256;
      name = "SHA256withRSA";
    }
    this.algorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(name);
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    return algorithm;
  }

  @Override
  public OutputStream getOutputStream() {
    return buffer;
  }

  @Override
  public byte[] getSignature() {
    try {
      return ops.sign(key, mechanism, buffer.toByteArray());
    } catch (HsmException | IOException e) {
      throw new RuntimeOperatorException("the card could not sign: " + e.getMessage(), e);
    } finally {
      buffer.reset();
    }
  }
}
