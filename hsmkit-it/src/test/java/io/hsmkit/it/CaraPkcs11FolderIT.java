package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * MTG CARA (seed runbook 001) loads {@code opensc-pkcs11.so} from the directory its {@code
 * pkcs11Folder} property names ({@code /usr/lib/x86_64-linux-gnu/pkcs11/} on Debian/Ubuntu,
 * {@code /usr/lib64/pkcs11/} on RHEL/openSUSE). CARA itself is a server product with a web UI and
 * is not run here; this checks that the module in that folder reaches the card and does what
 * CARA then asks of it: list the slot, log in, generate an RSA-2048 key and sign with it.
 */
class CaraPkcs11FolderIT extends InteropTestBase {
  private static final String PIN = "648219";

  private static Tool.Result pkcs11(String module, String... args) {
    List<String> argv = new ArrayList<>(List.of("pkcs11-tool", "--module", module));
    argv.addAll(List.of(args));
    return OpenSc.ok(Tool.run(argv, Map.of(), Duration.ofSeconds(60)));
  }

  @Test
  void moduleInThePkcs11Folder_listsTheCard_generatesAndSigns() throws Exception {
    Path folder = Path.of(OpenSc.MODULE).getParent().resolve("pkcs11");
    Path module = folder.resolve("opensc-pkcs11.so");
    if (!Files.isReadable(module)) {
      String why = "no " + module + " (Debian's opensc-pkcs11 package installs it)";
      if (Harness.CI) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    String m = module.toString();
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--label", "CARA"));

    Tool.Result slots = pkcs11(m, "--list-slots");
    assertThat(OpenSc.lines(slots.stdout())).as(slots.describe())
        .contains("Slot 0 (0x0): Virtual PCD 00 00", "token label        : " + OpenSc.tokenLabel("CARA"),
            "serial num         : " + serial);

    pkcs11(m, "--login", "--pin", PIN, "--keypairgen", "--key-type", "rsa:2048", "--id", "10",
        "--label", "cara-rsa");
    Path data = Files.writeString(temp.resolve("tbs"), "CARA signs", StandardCharsets.US_ASCII);
    Path sig = temp.resolve("sig");
    pkcs11(m, "--login", "--pin", PIN, "--sign", "-m", "SHA256-RSA-PKCS", "--id", "10", "-i",
        data.toString(), "-o", sig.toString());
    Path pub = temp.resolve("pub.pem");
    OpenSc.ok(OpenSc.readPublicKeyPem("10", pub));
    Openssl.assertDgstVerifies("sha256", pub, sig, data);
  }
}
