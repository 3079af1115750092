package io.hsmkit.jca.spi;

import java.security.spec.MGF1ParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * The RSA cipher paddings, by their JCA transformation names. The OAEP defaults are SunJCE's: the
 * named hash for the label, MGF1 with SHA-1, empty label; an {@link OAEPParameterSpec} given at
 * init overrides them.
 */
public enum RsaPadding {
  PKCS1("PKCS1Padding", null),
  OAEP("OAEPPadding", HashAlgorithm.SHA1),
  OAEP_SHA1("OAEPWithSHA-1AndMGF1Padding", HashAlgorithm.SHA1),
  OAEP_SHA224("OAEPWithSHA-224AndMGF1Padding", HashAlgorithm.SHA224),
  OAEP_SHA256("OAEPWithSHA-256AndMGF1Padding", HashAlgorithm.SHA256),
  OAEP_SHA384("OAEPWithSHA-384AndMGF1Padding", HashAlgorithm.SHA384),
  OAEP_SHA512("OAEPWithSHA-512AndMGF1Padding", HashAlgorithm.SHA512);

  private final String jcaName;
  private final HashAlgorithm oaepHash;

  RsaPadding(String jcaName, HashAlgorithm oaepHash) {
    this.jcaName = jcaName;
    this.oaepHash = oaepHash;
  }

  public String jcaName() {
    return jcaName;
  }

  public boolean isOaep() {
    return oaepHash != null;
  }

  /** The parameters used when init gives none (SunJCE's defaults); null for PKCS#1 v1.5. */
  public OAEPParameterSpec defaultOaepParameters() {
    return oaepHash == null
        ? null
        : new OAEPParameterSpec(
            oaepHash.jcaName(), "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);
  }
}
