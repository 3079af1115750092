package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The OpenSC command lines the interop tests run, against the first reader with a card, with the
 * OpenSC under test ({@link OpenScInstall}). The tools take PINs only as arguments; {@link
 * Tool.Result#describe()} masks them.
 */
final class OpenSc {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** sc-hsm-tool's 10-million-round .pbe derivation takes ~17 s here; leave room. */
  private static final Duration DERIVATION_TIMEOUT = Duration.ofMinutes(3);

  /**
   * OpenSC's PKCS#11 module (what the runbooks pass to --module): the private prefix's when one is
   * chosen, else the first that exists of the distributions' paths (docs/clients.md lists them);
   * Debian's multiarch path when none does.
   */
  static final String MODULE = OpenScInstall.module();

  static String findModule() {
    String arch = switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x86_64-linux-gnu";
      case "aarch64" -> "aarch64-linux-gnu";
      case "arm" -> "arm-linux-gnueabihf";
      default -> System.getProperty("os.arch") + "-linux-gnu";
    };
    List<String> candidates = List.of(
        "/usr/lib/" + arch + "/opensc-pkcs11.so", // Debian, Ubuntu (multiarch)
        "/usr/lib64/opensc-pkcs11.so", // Fedora, RHEL, openSUSE
        "/usr/lib/opensc-pkcs11.so", // Arch
        "/Library/OpenSC/lib/opensc-pkcs11.so", // macOS, OpenSC installer
        "/opt/homebrew/lib/opensc-pkcs11.so", // macOS Homebrew (Apple silicon)
        "/usr/local/lib/opensc-pkcs11.so"); // macOS Homebrew (Intel), source builds
    return candidates.stream().filter(c -> java.nio.file.Files.isReadable(Path.of(c))).findFirst()
        .orElse(candidates.get(0));
  }

  private OpenSc() {}

  /**
   * The PKCS#11 token label OpenSC makes of a card labelled {@code label}: up to 0.25 it appends
   * the PIN name, " (UserPIN)"; 0.26 appends it only when the card has more than one PIN slot,
   * which the SmartCard-HSM never has (framework-pkcs15.c pkcs15_init_slot(), commit 259decf65).
   */
  static String tokenLabel(String label) {
    return OpenScInstall.atLeast(0, 26) ? label : label + " (UserPIN)";
  }

  /** {@link #tokenLabel} percent-encoded as in a PKCS#11 URI ({@code token=…}, RFC 7512). */
  static String tokenLabelUri(String label) {
    return tokenLabel(label).replace("%", "%25").replace(" ", "%20").replace("(", "%28")
        .replace(")", "%29");
  }

  static Tool.Result run(String... argv) {
    return Tool.run(List.of(argv), Map.of(), TIMEOUT);
  }

  /** Runs and asserts exit status 0 (the description, with PINs masked, on failure). */
  static Tool.Result ok(String... argv) {
    return ok(run(argv));
  }

  static Tool.Result ok(Tool.Result r) {
    assertThat(r.exit()).as(r.describe()).isZero();
    return r;
  }

  /** {@code pkcs11-tool --module <opensc-pkcs11.so> ARGS}. */
  static Tool.Result pkcs11(String... args) {
    List<String> argv = new ArrayList<>(List.of("pkcs11-tool", "--module", MODULE));
    argv.addAll(List.of(args));
    return Tool.run(argv, Map.of(), TIMEOUT);
  }

  /** {@code sc-hsm-tool --initialize} with extra options (--label, --dkek-shares ...). */
  static Tool.Result scHsmInitialize(String soPin, String pin, String... extra) {
    List<String> argv =
        new ArrayList<>(List.of("sc-hsm-tool", "--initialize", "--so-pin", soPin, "--pin", pin));
    argv.addAll(List.of(extra));
    return Tool.run(argv, Map.of(), TIMEOUT);
  }

  /** {@code sc-hsm-tool --create-dkek-share FILE --password PW} (no prompt). */
  static Tool.Result scHsmCreateDkekShare(Path file, String password) {
    return Tool.run(
        List.of("sc-hsm-tool", "--create-dkek-share", file.toString(), "--password", password),
        Map.of(), DERIVATION_TIMEOUT);
  }

  /** {@code sc-hsm-tool --import-dkek-share FILE --password PW [extra]} (no prompt). */
  static Tool.Result scHsmImportDkekShare(Path file, String password, String... extra) {
    List<String> argv = new ArrayList<>(List.of("sc-hsm-tool", "--import-dkek-share",
        file.toString(), "--password", password));
    argv.addAll(List.of(extra));
    return Tool.run(argv, Map.of(), DERIVATION_TIMEOUT);
  }

  static Tool.Result scHsmWrapKey(Path file, int keyRef, String pin) {
    return run("sc-hsm-tool", "--wrap-key", file.toString(), "--key-reference",
        String.valueOf(keyRef), "--pin", pin);
  }

  static Tool.Result scHsmUnwrapKey(Path file, int keyRef, String pin) {
    return run("sc-hsm-tool", "--unwrap-key", file.toString(), "--key-reference",
        String.valueOf(keyRef), "--pin", pin, "--force");
  }

  /**
   * Asserts that {@code sc-hsm-tool --unwrap-key} imported the key: "Key successfully imported",
   * no error, and the exit status of the version at hand. From 0.27 it is 1 after a successful
   * import of a file with a key description: unwrap_key() returns the byte count of its last
   * update_ef() (sc-hsm-tool.c, since commit c1448c4c8). Callers check that the key arrived.
   */
  static Tool.Result unwrapOk(Tool.Result r) {
    assertThat(r.stdout()).as(r.describe()).contains("Key successfully imported");
    assertThat(r.stderr()).as(r.describe()).doesNotContainIgnoringCase("failed");
    assertThat(r.exit()).as(r.describe()).isEqualTo(OpenScInstall.atLeast(0, 27) ? 1 : 0);
    return r;
  }

  /** {@code pkcs11-tool --login --pin PIN --keypairgen --key-type TYPE --id ID [--label L]}. */
  static Tool.Result keygen(String pin, String keyType, String idHex, String label) {
    List<String> args = new ArrayList<>(List.of("--login", "--pin", pin, "--keypairgen",
        "--key-type", keyType, "--id", idHex));
    if (label != null) {
      args.add("--label");
      args.add(label);
    }
    return pkcs11(args.toArray(String[]::new));
  }

  /** {@code pkcs11-tool --read-object --type pubkey --id ID -o FILE}: a DER SubjectPublicKeyInfo. */
  static Tool.Result readPublicKey(String idHex, Path derOut) {
    return pkcs11("--read-object", "--type", "pubkey", "--id", idHex, "-o", derOut.toString());
  }

  /**
   * {@code pkcs15-tool --read-public-key ID -o FILE} (PEM). Used for EC keys where pkcs11-tool
   * 0.23 built against OpenSSL 3 cannot export the public key (OpenSC issue #3200: "cannot create
   * EVP_PKEY", seen here for secp384r1, and on real Nitrokeys).
   */
  static Tool.Result readPublicKeyPem(String idHex, Path pemOut) {
    return run("pkcs15-tool", "--read-public-key", idHex, "-o", pemOut.toString());
  }

  /** {@code pkcs11-tool --login --pin PIN --sign -m MECH --id ID -i IN -o OUT [extra]}. */
  static Tool.Result sign(String pin, String mechanism, String idHex, Path in, Path out,
      String... extra) {
    List<String> args = new ArrayList<>(List.of("--login", "--pin", pin, "--sign", "-m",
        mechanism, "--id", idHex, "-i", in.toString(), "-o", out.toString()));
    args.addAll(List.of(extra));
    return pkcs11(args.toArray(String[]::new));
  }

  static Tool.Result scHsmStatus() {
    return run("sc-hsm-tool");
  }

  static Tool.Result scHsmInitialize(String soPin, String pin) {
    return run("sc-hsm-tool", "--initialize", "--so-pin", soPin, "--pin", pin);
  }

  static Tool.Result pkcs11List() {
    return run("pkcs11-tool", "-L");
  }

  /** C_Login as the user, then lists the objects. */
  static Tool.Result pkcs11Login(String pin) {
    return run("pkcs11-tool", "--login", "--pin", pin, "--list-objects");
  }

  static Tool.Result pkcs11ChangeUserPin(String pin, String newPin) {
    return run("pkcs11-tool", "--login", "--pin", pin, "--change-pin", "--new-pin", newPin);
  }

  static Tool.Result pkcs11ChangeSoPin(String soPin, String newSoPin) {
    return run(
        "pkcs11-tool", "--login", "--login-type", "so", "--so-pin", soPin, "--change-pin",
        "--new-pin", newSoPin);
  }

  /** C_Login(SO) + C_InitPIN: RESET RETRY COUNTER on the card. */
  static Tool.Result pkcs11InitPin(String soPin, String newPin) {
    return run(
        "pkcs11-tool", "--login", "--login-type", "so", "--so-pin", soPin, "--init-pin",
        "--new-pin", newPin);
  }

  static Tool.Result pkcs15Dump() {
    return run("pkcs15-tool", "--dump");
  }

  /**
   * Reads EF.C_DevAut (2F02) with raw APDUs through {@code opensc-tool -s} and returns the CHR of
   * the device certificate (tag 5F20).
   */
  static String deviceChr() {
    Tool.Result r =
        run("opensc-tool", "-s", "00:A4:00:00:02:2F:02:00", "-s",
            "00:B1:00:00:00:00:04:54:02:00:00:04:00");
    if (r.exit() != 0) {
      throw new AssertionError("reading 2F02 failed:\n" + r.describe());
    }
    StringBuilder hex = new StringBuilder();
    boolean inRead = false;
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith("Sending: 00 B1")) {
        inRead = true;
      } else if (inRead && line.length() >= 48 && line.substring(0, 48).matches("([0-9A-F]{2} ){16}")) {
        hex.append(line, 0, 48);
      }
    }
    byte[] bytes = HexFormat.of().parseHex(hex.toString().replace(" ", ""));
    for (int i = 0; i + 3 < bytes.length; i++) {
      if ((bytes[i] & 0xFF) == 0x5F && bytes[i + 1] == 0x20) {
        int len = bytes[i + 2] & 0xFF;
        if (i + 3 + len <= bytes.length) {
          return new String(bytes, i + 3, len, java.nio.charset.StandardCharsets.US_ASCII);
        }
      }
    }
    throw new AssertionError("no CHR (5F20) in 2F02:\n" + r.describe());
  }

  /**
   * One object of {@code pkcs15-tool --dump}: the stripped lines from the line equal to {@code
   * header} (e.g. {@code "Private EC Key [cara-ec-ca]"}) to the next blank line; empty if absent.
   */
  static List<String> dumpBlock(String dump, String header) {
    List<String> block = new ArrayList<>();
    boolean in = false;
    for (String l : dump.split("\n")) {
      String t = l.strip();
      if (!in && t.equals(header)) {
        in = true;
      } else if (in && t.isEmpty()) {
        break;
      }
      if (in) {
        block.add(t);
      }
    }
    return block;
  }

  /** The value of a {@code Name : value} line in sc-hsm-tool output, or null. */
  static String field(String output, String name) {
    for (String l : output.split("\n")) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).strip().equals(name)) {
        return l.substring(colon + 1).strip();
      }
    }
    return null;
  }

  /**
   * pkcs11-tool's header lines of a generated RSA key pair: "Private Key Object; RSA" and "Public
   * Key Object; RSA 2048 bits" up to 0.26; from 0.27 both with two spaces and the size (commit
   * cc6664d38, "Print more information about RSA keys").
   */
  static List<String> rsaKeyObjectLines(int bits) {
    return OpenScInstall.atLeast(0, 27)
        ? List.of("Private Key Object; RSA  " + bits + " bits",
            "Public Key Object; RSA  " + bits + " bits")
        : List.of("Private Key Object; RSA", "Public Key Object; RSA " + bits + " bits");
  }

  /**
   * The first EC point pkcs11-tool printed, as lower-case hex of its DER OCTET STRING: one line
   * "EC_POINT: 0441…" up to 0.26, "EC Point: 0441…" continued on the next lines from 0.27
   * (commit 5f2cfaf58).
   */
  static String ecPoint(String output) {
    StringBuilder hex = null;
    for (String l : lines(output)) {
      if (hex == null && (l.startsWith("EC_POINT:") || l.startsWith("EC Point:"))) {
        hex = new StringBuilder(l.substring(l.indexOf(':') + 1).strip());
      } else if (hex != null && l.matches("[0-9a-fA-F]+")) {
        hex.append(l);
      } else if (hex != null) {
        break;
      }
    }
    if (hex == null) {
      throw new AssertionError("no EC point in:\n" + output);
    }
    return hex.toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** The lines of {@code output}, stripped, for line-wise assertions. */
  static List<String> lines(String output) {
    List<String> out = new ArrayList<>();
    for (String l : output.split("\n")) {
      out.add(l.strip());
    }
    return out;
  }
}
