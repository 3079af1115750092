package io.hsmkit.jca.spi;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The software provider for everything that needs no private key (verification, public-key
 * encryption). Bouncy Castle, because it knows every curve the card does (SunEC in JDK 17 has no
 * brainpool or secp256k1); used as a library instance, never installed.
 */
final class Software {
  static final Provider BC = new BouncyCastleProvider();

  private Software() {}
}
