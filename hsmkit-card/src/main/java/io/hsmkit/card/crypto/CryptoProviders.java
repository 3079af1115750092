package io.hsmkit.card.crypto;

import java.lang.System.Logger.Level;
import java.security.Provider;
import java.security.Security;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider does which private-key operation on the card (style.md §8). Providers are
 * always passed explicitly; nothing is ever installed with {@code Security.addProvider}.
 *
 * <p>Measured on the project machine (BENCHMARKS.md): the Amazon Corretto Crypto Provider
 * (AWS-LC, native) is several times faster than Bouncy Castle and the JDK for RSA and for ECDSA /
 * ECDH on the NIST curves, so it is the primary provider there. Bouncy Castle does brainpool,
 * secp192r1, secp192k1 (which ACCP lacks) and secp256k1 (which ACCP has but BC signs faster).
 * Without ACCP — its jar absent, its native library not loadable on this platform, or disabled
 * with {@code -Dhsmkit.crypto.accp=false} — the card falls back to the JDK for RSA (faster than
 * BC there) and to BC for every curve (SunEC is ten times slower than BC and lacks half the
 * curves). Every combination gives the same card-visible results; the tests prove it.
 */
public final class CryptoProviders {
  /** System property that turns ACCP off ({@code false}); default on when it loads. */
  public static final String ACCP_PROPERTY = "hsmkit.crypto.accp";

  static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

  private static final System.Logger LOG = System.getLogger(CryptoProviders.class.getName());
  private static final Provider BC = new BouncyCastleProvider();
  private static final Optional<Provider> ACCP = loadAccp(ACCP_CLASS);
  private static final CryptoProviders DEFAULT =
      Boolean.parseBoolean(System.getProperty(ACCP_PROPERTY, "true")) && ACCP.isPresent()
          ? new CryptoProviders(ACCP.get())
          : new CryptoProviders(null);
  private static final CryptoProviders FALLBACK = new CryptoProviders(null);

  private final Provider accp;
  private final Provider rsaKeys;
  private final Provider rsaCipher;

  private CryptoProviders(Provider accp) {
    this.accp = accp;
    if (accp != null) {
      this.rsaKeys = accp;
      this.rsaCipher = accp;
    } else {
      Provider sunRsaSign = Security.getProvider("SunRsaSign");
      Provider sunJce = Security.getProvider("SunJCE");
      boolean jdk = sunRsaSign != null && sunJce != null;
      this.rsaKeys = jdk ? sunRsaSign : BC;
      this.rsaCipher = jdk ? sunJce : BC;
    }
  }

  /** The providers this JVM uses by default: ACCP where it loads and is not turned off. */
  public static CryptoProviders detect() {
    return DEFAULT;
  }

  /** Bouncy Castle and the JDK only, as on a platform without ACCP. */
  public static CryptoProviders fallback() {
    return FALLBACK;
  }

  /**
   * ACCP even when {@value #ACCP_PROPERTY} is false (benchmarks and tests that compare both);
   * empty when it cannot load here.
   */
  public static Optional<CryptoProviders> withAccp() {
    return ACCP.map(CryptoProviders::new);
  }

  /** The ACCP instance when it loaded and is healthy on this platform. */
  public static Optional<Provider> accpIfAvailable() {
    return ACCP;
  }

  /** The shared Bouncy Castle instance (it holds no per-card state). */
  public static Provider bouncyCastle() {
    return BC;
  }

  /** True when this set uses ACCP. */
  public boolean usesAccp() {
    return accp != null;
  }

  /** The provider for EC keys of {@code curve}: key generation, ECDSA, ECDH, CVC signatures. */
  public Provider ec(Curve curve) {
    return accp != null && curve.accpCapable() ? accp : BC;
  }

  /** The provider for RSA key factories, key generation and signatures. */
  public Provider rsa() {
    return rsaKeys;
  }

  /** The provider for raw RSA ({@code RSA/ECB/NoPadding}) with a private key. */
  public Provider rsaCipher() {
    return rsaCipher;
  }

  /** One line for logs and the benchmark report. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("RSA: ").append(rsaKeys.getName());
    if (rsaCipher != rsaKeys) {
      b.append('/').append(rsaCipher.getName());
    }
    b.append("; EC P-256/384/521: ").append(ec(Curve.SECP256R1).getName());
    b.append("; other curves: ").append(BC.getName());
    return b.toString();
  }

  @Override
  public String toString() {
    return "CryptoProviders[" + describe() + "]";
  }

  /**
   * Loads ACCP reflectively, so the card works without its jar, and only uses it when its native
   * library loaded and its self tests passed.
   */
  static Optional<Provider> loadAccp(String className) {
    try {
      Class<?> c = Class.forName(className);
      Provider p = (Provider) c.getField("INSTANCE").get(null);
      Object error = c.getMethod("getLoadingError").invoke(p);
      if (error != null) {
        LOG.log(Level.INFO, "ACCP not usable here ({0}); using Bouncy Castle and the JDK", error);
        return Optional.empty();
      }
      c.getMethod("assertHealthy").invoke(p);
      return Optional.of(p);
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      LOG.log(Level.INFO, "ACCP not usable here ({0}); using Bouncy Castle and the JDK", cause);
      return Optional.empty();
    }
  }
}
