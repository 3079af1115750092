package io.hsmkit.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenSC under test: the system's (Debian 12: 0.23, the default) or the build in a private
 * prefix given by {@code -Dhsmkit.opensc.prefix=DIR} (scripts/opensc-build.sh prints it). With a
 * prefix, every program the tests start sees {@code DIR/bin} first on PATH (pkcs11-tool,
 * pkcs15-tool, sc-hsm-tool, opensc-tool) and {@code OPENSC_CONF=DIR/etc/opensc.conf}, and the
 * PKCS#11 module is {@code DIR/lib/opensc-pkcs11.so}. docs/interop.md lists what differs between
 * the versions; the tests ask {@link #atLeast} and assert what the version at hand prints.
 */
final class OpenScInstall {
  /** The private prefix, or null for the system's OpenSC. */
  static final Path PREFIX = prefix();

  /** Added to the environment of every program {@link Tool} starts (empty for the system's). */
  static final Map<String, String> ENV = environment();

  private OpenScInstall() {}

  private static Path prefix() {
    String p = System.getProperty("hsmkit.opensc.prefix", "").strip();
    return p.isEmpty() ? null : Path.of(p).toAbsolutePath().normalize();
  }

  private static Map<String, String> environment() {
    if (PREFIX == null) {
      return Map.of();
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    return Map.of(
        "PATH", PREFIX.resolve("bin") + java.io.File.pathSeparator + path,
        "OPENSC_CONF", PREFIX.resolve("etc/opensc.conf").toString());
  }

  /** opensc-pkcs11.so of the OpenSC under test. */
  static String module() {
    return PREFIX == null ? OpenSc.findModule() : PREFIX.resolve("lib/opensc-pkcs11.so").toString();
  }

  /** A problem that keeps the chosen prefix from being used, or null. */
  static String problem() {
    if (PREFIX == null) {
      return null;
    }
    for (String f : List.of("bin/opensc-tool", "bin/pkcs11-tool", "bin/pkcs15-tool",
        "bin/sc-hsm-tool", "lib/opensc-pkcs11.so", "etc/opensc.conf")) {
      if (!Files.exists(PREFIX.resolve(f))) {
        return "-Dhsmkit.opensc.prefix=" + PREFIX + " has no " + f
            + " (scripts/opensc-build.sh builds it)";
      }
    }
    return null;
  }

  /** The OpenSC version as {@code opensc-tool --info} prints it, e.g. 0.23.0 or 0.27.1. */
  record Version(int major, int minor, int patch) implements Comparable<Version> {
    private static final Pattern INFO = Pattern.compile("OpenSC[- ](\\d+)\\.(\\d+)\\.(\\d+)");

    static Version parse(String info) {
      Matcher m = INFO.matcher(info);
      if (!m.find()) {
        throw new AssertionError("no OpenSC version in: " + info);
      }
      return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)));
    }

    @Override
    public int compareTo(Version o) {
      return major != o.major ? Integer.compare(major, o.major)
          : minor != o.minor ? Integer.compare(minor, o.minor) : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch;
    }
  }

  /** Asked once: {@code opensc-tool --info} of the OpenSC on the tests' PATH. */
  private static final class Detected {
    static final Version VERSION = detect();

    private static Version detect() {
      Tool.Result r = Tool.run(List.of("opensc-tool", "--info"), Map.of(), Duration.ofSeconds(30));
      if (r.exit() != 0) {
        throw new AssertionError("opensc-tool --info failed:\n" + r.describe());
      }
      Version v = Version.parse(r.output());
      System.err.println("[hsmkit-it] OpenSC " + v + (PREFIX == null ? " (system)" : " from " + PREFIX)
          + ", module " + module());
      return v;
    }
  }

  static Version version() {
    return Detected.VERSION;
  }

  /** True if the OpenSC under test is {@code major.minor} or newer. */
  static boolean atLeast(int major, int minor) {
    return version().compareTo(new Version(major, minor, 0)) >= 0;
  }
}
