package io.hsmkit.card.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.security.Provider;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which provider does what, and how the choice falls back when ACCP is missing or broken. */
class CryptoProvidersTest {

  static boolean linuxX8664() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  @Test
  void accp_loadsOnLinuxX8664_fromTheMavenJar() {
    assumeThat(linuxX8664()).as("the project ships ACCP's linux-x86_64 build").isTrue();

    assertThat(CryptoProviders.accpIfAvailable()).isPresent();
    assertThat(CryptoProviders.withAccp()).get().extracting(CryptoProviders::usesAccp).isEqualTo(true);
  }

  @Test
  void detect_usesAccpUnlessTurnedOff() {
    boolean off = "false".equals(System.getProperty(CryptoProviders.ACCP_PROPERTY));

    assertThat(CryptoProviders.detect().usesAccp())
        .isEqualTo(!off && CryptoProviders.accpIfAvailable().isPresent());
  }

  @ParameterizedTest
  @EnumSource(
      value = Curve.class,
      names = {"SECP256R1", "SECP384R1", "SECP521R1"})
  void withAccp_nistCurves_goToAccp(Curve curve) {
    CryptoProviders p = accp();

    assertThat(p.ec(curve).getName()).isEqualTo("AmazonCorrettoCryptoProvider");
  }

  @ParameterizedTest
  @EnumSource(
      value = Curve.class,
      names = {"SECP256R1", "SECP384R1", "SECP521R1"},
      mode = EnumSource.Mode.EXCLUDE)
  void withAccp_otherCurves_goToBouncyCastle(Curve curve) {
    // brainpool, secp192r1 and secp192k1: ACCP lacks them; secp256k1: BC signs faster.
    assertThat(accp().ec(curve)).isSameAs(CryptoProviders.bouncyCastle());
  }

  @Test
  void withAccp_rsa_goesToAccp() {
    CryptoProviders p = accp();

    assertThat(p.rsa().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
    assertThat(p.rsaCipher()).isSameAs(p.rsa());
  }

  @ParameterizedTest
  @EnumSource(Curve.class)
  void fallback_everyCurve_goesToBouncyCastle(Curve curve) {
    assertThat(CryptoProviders.fallback().ec(curve)).isSameAs(CryptoProviders.bouncyCastle());
  }

  @Test
  void fallback_rsa_goesToTheJdk() {
    CryptoProviders p = CryptoProviders.fallback();

    assertThat(p.usesAccp()).isFalse();
    assertThat(p.rsa().getName()).isEqualTo("SunRsaSign");
    assertThat(p.rsaCipher().getName()).isEqualTo("SunJCE");
    assertThat(p.describe()).contains("SunRsaSign").contains("BC");
  }

  @Test
  void load_jarAbsent_isEmpty() {
    assertThat(CryptoProviders.loadAccp("com.example.NoSuchProvider")).isEmpty();
  }

  @Test
  void load_nativeLibraryDidNotLoad_isEmpty() {
    assertThat(CryptoProviders.loadAccp(BrokenNativeProvider.class.getName())).isEmpty();
  }

  @Test
  void load_selfTestsFail_isEmpty() {
    assertThat(CryptoProviders.loadAccp(UnhealthyProvider.class.getName())).isEmpty();
  }

  @Test
  void load_healthyProvider_isUsed() {
    Optional<Provider> p = CryptoProviders.loadAccp(HealthyProvider.class.getName());

    assertThat(p).containsSame(HealthyProvider.INSTANCE);
  }

  static CryptoProviders accp() {
    assumeThat(CryptoProviders.withAccp()).as("ACCP loads on this platform").isPresent();
    return CryptoProviders.withAccp().orElseThrow();
  }

  /** Shaped like ACCP on a platform where its native library failed to load. */
  public static final class BrokenNativeProvider extends Provider {
    private static final long serialVersionUID = 1L;
    public static final BrokenNativeProvider INSTANCE = new BrokenNativeProvider();

    BrokenNativeProvider() {
      super("Broken", "1", "native library missing");
    }

    public Throwable getLoadingError() {
      return new UnsatisfiedLinkError("no amazonCorrettoCryptoProvider in java.library.path");
    }

    public void assertHealthy() {
      throw new IllegalStateException("not healthy");
    }
  }

  /** Loaded, but its self tests failed. */
  public static final class UnhealthyProvider extends Provider {
    private static final long serialVersionUID = 1L;
    public static final UnhealthyProvider INSTANCE = new UnhealthyProvider();

    UnhealthyProvider() {
      super("Unhealthy", "1", "self tests failed");
    }

    public Throwable getLoadingError() {
      return null;
    }

    public void assertHealthy() {
      throw new IllegalStateException("self test failed");
    }
  }

  public static final class HealthyProvider extends Provider {
    private static final long serialVersionUID = 1L;
    public static final HealthyProvider INSTANCE = new HealthyProvider();

    HealthyProvider() {
      super("Healthy", "1", "fine");
    }

    public Throwable getLoadingError() {
      return null;
    }

    public void assertHealthy() {}
  }
}
