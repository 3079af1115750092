package io.hsmkit.jca.spi;

import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmPrivateKey;

/**
 * A signature whose hash is part of its name ({@code SHA256withECDSA}, {@code NONEwithRSA}), unlike
 * {@code RSASSA-PSS}, which takes it from parameters.
 */
abstract class FixedHashSignatureSpi<K extends HsmPrivateKey> extends CardSignatureSpi<K> {
  private final HashAlgorithm hash;
  private final String algorithmName;

  /** {@code hash} null is the NONEwith… variant; {@code scheme} is what follows "with". */
  FixedHashSignatureSpi(CardLink link, Class<K> keyType, HashAlgorithm hash, String scheme) {
    super(link, keyType);
    this.hash = hash;
    this.algorithmName = (hash == null ? "NONE" : hash.shortName()) + "with" + scheme;
  }

  @Override
  protected final HashAlgorithm hash() {
    return hash;
  }

  @Override
  protected final String algorithmName() {
    return algorithmName;
  }
}
