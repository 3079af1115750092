package io.hsmkit.jca.spi;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmPrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;

/**
 * What every card signature shares: the message is hashed on the host (or, for the NONE variants,
 * collected up to a bound) and only the final block goes to the card, under the provider's lock.
 * Verification needs no card and is handed to a software {@link Signature} of the same algorithm.
 *
 * <p>Subclasses say which key type they take, how the hash becomes the card's input, and which
 * card algorithm signs it; the modes are objects, not {@code int} states.
 */
abstract class CardSignatureSpi<K extends HsmPrivateKey> extends SignatureSpi {
  protected final CardLink link;
  private final Class<K> keyType;
  private K signingKey;
  private Signature verifier;
  private MessageDigest digest;
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();

  CardSignatureSpi(CardLink link, Class<K> keyType) {
    this.link = link;
    this.keyType = keyType;
  }

  /** The hash applied on the host, or null when the input is taken as given (NONEwith…). */
  protected abstract HashAlgorithm hash();

  /** The JCA name of this algorithm, for the software verifier and for messages. */
  protected abstract String algorithmName();

  /** The software verifier's algorithm name; by default {@link #algorithmName()}. */
  protected String verifierAlgorithm() {
    return algorithmName();
  }

  /** Parameters the software verifier needs (PSS), or null. */
  protected AlgorithmParameterSpec verifierParameters() throws SignatureException {
    return null;
  }

  /** Throws when the engine cannot sign yet although it has a key (PSS without parameters). */
  protected void checkReady() throws SignatureException {}

  /** Checks the key beyond its type (size, public key known); called at initSign. */
  protected void checkKey(K key) throws InvalidKeyException {}

  /** Longest input the NONE variant accepts for {@code key}. */
  protected abstract int rawLimit(K key);

  /** Checks and turns the hash (or raw input) into the card's input; no card access yet. */
  protected abstract byte[] cardInput(K key, byte[] hashOrData) throws SignatureException;

  /** Signs on the card; runs with the provider's lock held. */
  protected abstract byte[] signOnCard(SmartCardHsmSession s, K key, byte[] cardInput)
      throws IOException, HsmException, SignatureException;

  @Override
  protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
    K key = link.requireKey(privateKey, keyType, algorithmName());
    checkKey(key);
    signingKey = key;
    verifier = null;
    resetInput();
  }

  @Override
  protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
    try {
      Signature v = Signature.getInstance(verifierAlgorithm(), Software.BC);
      AlgorithmParameterSpec p = verifierParameters();
      if (p != null) {
        v.setParameter(p);
      }
      v.initVerify(publicKey);
      verifier = v;
      signingKey = null;
    } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
      throw new ProviderException("no software verifier for " + algorithmName(), e);
    } catch (SignatureException e) {
      throw new InvalidKeyException(e.getMessage(), e);
    }
  }

  @Override
  protected void engineUpdate(byte b) throws SignatureException {
    engineUpdate(new byte[] {b}, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
    if (verifier != null) {
      verifier.update(b, off, len);
      checkReady();
      return; // what follows collects signing input, and its bound needs the signing key
    }
    if (signingKey == null) {
      throw new SignatureException("not initialized");
    }
    checkReady();
    if (digest != null) {
      digest.update(b, off, len);
    } else {
      // Bounded so a caller streaming a whole file into NONEwith… fails at sign, not by OOM.
      if (raw.size() <= rawLimit(signingKey)) {
        raw.write(b, off, Math.min(len, rawLimit(signingKey) + 1 - raw.size()));
      }
    }
  }

  @Override
  protected byte[] engineSign() throws SignatureException {
    if (signingKey == null) {
      throw new SignatureException("not initialized for signing");
    }
    checkReady();
    K key = signingKey;
    byte[] input;
    if (digest != null) {
      input = digest.digest();
    } else {
      input = raw.toByteArray();
      raw.reset();
      if (input.length > rawLimit(key)) {
        throw new SignatureException(
            algorithmName() + ": input must not be longer than " + rawLimit(key) + " bytes");
      }
    }
    byte[] cardInput = cardInput(key, input);
    try {
      return link.call("sign", s -> {
        try {
          return signOnCard(s, key, cardInput);
        } catch (SignatureException e) {
          throw new Rethrown(e);
        }
      });
    } catch (Rethrown e) {
      throw (SignatureException) e.getCause();
    } catch (HsmException e) {
      if (JcaErrors.isBadInput(e)) {
        throw new SignatureException("the card rejected the input: " + e.getMessage(), e);
      }
      if (JcaErrors.isNotAllowed(e)) {
        throw new SignatureException(
            algorithmName() + " is not allowed for key " + key + ": " + e.getMessage(), e);
      }
      throw JcaErrors.card(e);
    } catch (IOException e) {
      throw JcaErrors.transport(e);
    }
  }

  @Override
  protected boolean engineVerify(byte[] sig) throws SignatureException {
    if (verifier == null) {
      throw new SignatureException("not initialized for verification");
    }
    return verifier.verify(sig);
  }

  /** Called when parameters change (PSS), so a half-hashed message is not signed with new ones. */
  protected final void resetInput() {
    raw.reset();
    HashAlgorithm h = hash();
    try {
      digest = h == null ? null : MessageDigest.getInstance(h.jcaName());
    } catch (NoSuchAlgorithmException e) {
      throw new ProviderException(e);
    }
  }

  /** Whether the engine is set up for verifying (parameters then go to the software verifier). */
  protected final Signature verifier() {
    return verifier;
  }

  @Override
  protected void engineSetParameter(AlgorithmParameterSpec params)
      throws InvalidAlgorithmParameterException {
    if (params != null) {
      throw new InvalidAlgorithmParameterException(algorithmName() + " takes no parameters");
    }
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    return null;
  }

  @Override
  @Deprecated
  protected void engineSetParameter(String param, Object value) {
    throw new InvalidParameterException("not supported");
  }

  @Override
  @Deprecated
  protected Object engineGetParameter(String param) {
    throw new InvalidParameterException("not supported");
  }

  /** Carries a checked SignatureException out of a card call. */
  private static final class Rethrown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rethrown(GeneralSecurityException cause) {
      super(cause);
    }
  }
}
