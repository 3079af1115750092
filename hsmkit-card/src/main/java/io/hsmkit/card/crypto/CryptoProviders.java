package io.hsmkit.card.crypto;

import java.lang.System.Logger.Level;
import java.security.Provider;
import java.security.Security;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider does which private-key operation on the card (BENCHMARKS.md has the measurements). Providers are
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

  /**
   * Made on first use: the first System.Logger starts the logging back end (java.util.logging),
   * which short CLI commands that never log should not pay for.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger(CryptoProviders.class.getName());
  }

  /**
   * Bouncy Castle's provider, built on first use: its constructor registers some 500 classes
   * (~0.3 s of a CLI command's start), and commands such as {@code hsmkit status} never need it.
   */
  private static final class Bc {
    static final Provider INSTANCE = new BouncyCastleProvider();
  }

  /** ACCP, loaded on first use: extracting and self-testing its native library takes ~0.2 s. */
  private static final class Accp {
    static final Optional<Provider> INSTANCE = loadAccp(ACCP_CLASS);
  }

  private static final CryptoProviders DEFAULT = new CryptoProviders(true);
  private static final CryptoProviders FALLBACK = new CryptoProviders(false);

  /** Whether to use ACCP when it loads; the providers themselves are resolved on first use. */
  private final boolean wantAccp;
  private volatile Resolved resolved;

  private record Resolved(Provider accp, Provider rsaKeys, Provider rsaCipher) {
    static Resolved of(Provider accp) {
      if (accp != null) {
        return new Resolved(accp, accp, accp);
      }
      Provider sunRsaSign = Security.getProvider("SunRsaSign");
      Provider sunJce = Security.getProvider("SunJCE");
      boolean jdk = sunRsaSign != null && sunJce != null;
      return new Resolved(null, jdk ? sunRsaSign : Bc.INSTANCE, jdk ? sunJce : Bc.INSTANCE);
    }
  }

  private CryptoProviders(boolean detectAccp) {
    this.wantAccp = detectAccp;
  }

  private CryptoProviders(Provider accp) {
    this.wantAccp = true;
    this.resolved = Resolved.of(accp);
  }

  private Resolved resolved() {
    Resolved r = resolved;
    if (r == null) {
      boolean accp = wantAccp && Boolean.parseBoolean(System.getProperty(ACCP_PROPERTY, "true"));
      r = Resolved.of(accp ? Accp.INSTANCE.orElse(null) : null);
      resolved = r; // racing threads compute the same value
    }
    return r;
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
    return Accp.INSTANCE.map(CryptoProviders::new);
  }

  /** The ACCP instance when it loaded and is healthy on this platform. */
  public static Optional<Provider> accpIfAvailable() {
    return Accp.INSTANCE;
  }

  /** The shared Bouncy Castle instance (it holds no per-card state). */
  public static Provider bouncyCastle() {
    return Bc.INSTANCE;
  }

  /** True when this set uses ACCP. */
  public boolean usesAccp() {
    return resolved().accp() != null;
  }

  /** The provider for EC keys of {@code curve}: key generation, ECDSA, ECDH, CVC signatures. */
  public Provider ec(Curve curve) {
    Provider accp = resolved().accp();
    return accp != null && curve.accpCapable() ? accp : Bc.INSTANCE;
  }

  /** The provider for RSA key factories, key generation and signatures. */
  public Provider rsa() {
    return resolved().rsaKeys();
  }

  /** The provider for raw RSA ({@code RSA/ECB/NoPadding}) with a private key. */
  public Provider rsaCipher() {
    return resolved().rsaCipher();
  }

  /** One line for logs and the benchmark report. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    Resolved r = resolved();
    b.append("RSA: ").append(r.rsaKeys().getName());
    if (r.rsaCipher() != r.rsaKeys()) {
      b.append('/').append(r.rsaCipher().getName());
    }
    b.append("; EC P-256/384/521: ").append(ec(Curve.SECP256R1).getName());
    b.append("; other curves: ").append(Bc.INSTANCE.getName());
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
        Log.LOG.log(Level.INFO, "ACCP not usable here ({0}); using Bouncy Castle and the JDK", error);
        return Optional.empty();
      }
      c.getMethod("assertHealthy").invoke(p);
      return Optional.of(p);
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      Log.LOG.log(Level.INFO, "ACCP not usable here ({0}); using Bouncy Castle and the JDK", cause);
      return Optional.empty();
    }
  }
}
