package io.hsmkit.jca.spi;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmRsaPrivateKey;
import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.ProviderException;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * RSASSA-PSS: the hash is computed on the host and the card pads and signs it ({@code RSA_PSS},
 * 0x40). OpenSC sends neither the MGF nor the salt length, so the card always uses MGF1 with the
 * message hash and a salt as long as the hash, trailer field 1; other parameters are refused with
 * {@link InvalidAlgorithmParameterException} rather than producing a signature that does not
 * match them.
 *
 * <p>{@code RSASSA-PSS} needs {@link PSSParameterSpec} before use, as in the JDK; {@code
 * SHAxwithRSASSA-PSS} (alias {@code SHAxwithRSA/PSS}) has them fixed.
 */
public final class RsaPssSignatureSpi extends CardSignatureSpi<HsmRsaPrivateKey> {
  private final HashAlgorithm fixed;
  private PSSParameterSpec params;
  private HashAlgorithm hash;

  /** {@code fixed} null is {@code RSASSA-PSS} with parameters from {@code setParameter}. */
  public RsaPssSignatureSpi(CardLink link, HashAlgorithm fixed) {
    super(link, HsmRsaPrivateKey.class);
    this.fixed = fixed;
    if (fixed != null) {
      this.hash = fixed;
      this.params = cardParameters(fixed);
    }
  }

  /** The only PSS parameters the card produces for {@code h}. */
  static PSSParameterSpec cardParameters(HashAlgorithm h) {
    return new PSSParameterSpec(
        h.jcaName(), "MGF1", new MGF1ParameterSpec(h.jcaName()), h.length(),
        PSSParameterSpec.TRAILER_FIELD_BC);
  }

  @Override
  protected HashAlgorithm hash() {
    return hash;
  }

  @Override
  protected String algorithmName() {
    return fixed == null ? "RSASSA-PSS" : fixed.shortName() + "withRSASSA-PSS";
  }

  @Override
  protected String verifierAlgorithm() {
    return "RSASSA-PSS";
  }

  @Override
  protected AlgorithmParameterSpec verifierParameters() {
    return params;
  }

  @Override
  protected void checkReady() throws SignatureException {
    if (params == null) {
      throw new SignatureException("Parameters required for RSASSA-PSS signatures");
    }
  }

  @Override
  protected void checkKey(HsmRsaPrivateKey key) throws InvalidKeyException {
    RsaPkcs1SignatureSpi.publicKey(key);
  }

  @Override
  protected int rawLimit(HsmRsaPrivateKey key) {
    return 0;
  }

  @Override
  protected byte[] cardInput(HsmRsaPrivateKey key, byte[] mHash) throws SignatureException {
    int emLen = (key.getModulus().bitLength() - 1 + 7) / 8;
    if (emLen < 2 * hash.length() + 2) {
      throw new SignatureException(
          "key " + key + " is too short for PSS with " + hash.jcaName() + " and salt "
              + hash.length());
    }
    return mHash;
  }

  @Override
  protected byte[] signOnCard(SmartCardHsmSession s, HsmRsaPrivateKey key, byte[] mHash)
      throws IOException, HsmException {
    return s.sign(key.keyReference(), AlgorithmId.RSA_PSS, mHash);
  }

  @Override
  protected void engineSetParameter(AlgorithmParameterSpec spec)
      throws InvalidAlgorithmParameterException {
    if (!(spec instanceof PSSParameterSpec p)) {
      throw new InvalidAlgorithmParameterException("RSASSA-PSS needs a PSSParameterSpec");
    }
    HashAlgorithm h =
        HashAlgorithm.byName(p.getDigestAlgorithm())
            .orElseThrow(() -> new InvalidAlgorithmParameterException(
                "PSS hash " + p.getDigestAlgorithm() + " is not supported (SHA-1/224/256/384/512)"));
    if (fixed != null && h != fixed) {
      throw new InvalidAlgorithmParameterException(
          algorithmName() + " hashes with " + fixed.jcaName() + ", not " + h.jcaName());
    }
    if (!"MGF1".equalsIgnoreCase(p.getMGFAlgorithm())
        || !(p.getMGFParameters() instanceof MGF1ParameterSpec m)
        || HashAlgorithm.byName(m.getDigestAlgorithm()).orElse(null) != h) {
      throw new InvalidAlgorithmParameterException(
          "the card uses MGF1 with the message hash (" + h.jcaName() + ") only");
    }
    if (p.getSaltLength() != h.length()) {
      throw new InvalidAlgorithmParameterException(
          "the card uses a salt as long as the hash (" + h.length() + " bytes), not "
              + p.getSaltLength());
    }
    if (p.getTrailerField() != PSSParameterSpec.TRAILER_FIELD_BC) {
      throw new InvalidAlgorithmParameterException("the trailer field must be 1");
    }
    if (verifier() != null) {
      verifier().setParameter(cardParameters(h));
    }
    params = cardParameters(h);
    hash = h;
    resetInput();
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    if (params == null) {
      return null;
    }
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("RSASSA-PSS");
      ap.init(params);
      return ap;
    } catch (GeneralSecurityException e) {
      throw new ProviderException("cannot encode the PSS parameters", e);
    }
  }
}
