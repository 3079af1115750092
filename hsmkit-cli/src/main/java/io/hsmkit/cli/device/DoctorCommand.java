package io.hsmkit.cli.device;

import io.hsmkit.cli.support.CliContext;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.client.AppletInfo;
import io.hsmkit.client.PcscTransport;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hsmkit doctor}: the runbooks' troubleshooting list as checks, each with what to fix:
 * pcscd running, readers, a card present and answering as a SmartCard-HSM, the OpenSC tools and
 * the {@code opensc-pkcs11.so} path for this distribution, and the selected token.
 */
@Command(name = "doctor", description = "Check pcscd, readers, the card, OpenSC and the PKCS#11 module path.")
public final class DoctorCommand implements Callable<Integer> {
  /** Where distributions put OpenSC's PKCS#11 module (the runbooks' path table). */
  static final List<String> MODULE_PATHS =
      List.of(
          "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
          "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
          "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
          "/usr/lib64/opensc-pkcs11.so",
          "/usr/lib64/pkcs11/opensc-pkcs11.so",
          "/usr/lib/opensc-pkcs11.so",
          "/Library/OpenSC/lib/opensc-pkcs11.so",
          "/opt/homebrew/lib/opensc-pkcs11.so",
          "/usr/local/lib/opensc-pkcs11.so");

  @Spec CommandSpec spec;

  private int failures;
  private PrintWriter out;

  @Override
  public Integer call() {
    CliContext ctx = (CliContext) spec.root().userObject();
    out = ctx.out();
    TokenSpec token = ctx.tokenSpec();

    String module = MODULE_PATHS.stream().filter(p -> Files.exists(Path.of(p))).findFirst().orElse(null);
    check(module != null, "OpenSC PKCS#11 module: " + (module == null ? "not found" : module),
        "install OpenSC (Debian/Ubuntu: apt install opensc; RHEL: dnf install opensc)");
    for (String tool : List.of("pkcs11-tool", "sc-hsm-tool", "pkcs15-tool")) {
      check(onPath(tool), tool + (onPath(tool) ? " found" : " not on PATH"),
          "install OpenSC (it ships " + tool + ")");
    }

    if (token.kind() == TokenSpec.Kind.PCSC) {
      boolean socket = Files.exists(Path.of("/run/pcscd/pcscd.comm"));
      check(socket, "pcscd " + (socket ? "is running" : "socket /run/pcscd/pcscd.comm missing"),
          "start pcscd (systemctl enable --now pcscd.service)");
      try {
        List<String> readers = PcscTransport.readers();
        check(!readers.isEmpty(), "readers: " + (readers.isEmpty() ? "none" : String.join("; ", readers)),
            "plug in the Nitrokey HSM 2 (lsusb shows 20a0:4230), check the udev rules, or start hsmkit serve");
      } catch (Exception e) {
        check(false, "readers: " + e.getMessage(), "start pcscd and check that libpcsclite is installed");
      }
    } else {
      out.println("info  token " + token + " is the embedded emulated card (no pcscd needed)");
    }

    try {
      TokenCommand.requireExisting(token);
    } catch (CliException e) {
      check(false, e.getMessage(), "hsmkit init creates it; --token names another");
      out.println(failures + " problem(s) found.");
      out.flush();
      return CliException.USAGE;
    }
    try (Token t = Token.open(token)) {
      SmartCardHsmSession s = t.session();
      AppletInfo info = s.select();
      check(true, "SmartCard-HSM version " + info.version() + " answers on " + t.description(), "");
    } catch (Exception e) {
      check(false, "token " + token + ": " + e.getMessage(),
          token.kind() == TokenSpec.Kind.PCSC
              ? "is the card a Nitrokey HSM / SmartCard-HSM? is another program holding it?"
              : "check the state directory (another hsmkit process may be using it)");
    }
    out.println(failures == 0 ? "All checks passed." : failures + " problem(s) found.");
    out.flush();
    return failures == 0 ? 0 : 1;
  }

  private void check(boolean ok, String what, String fix) {
    if (ok) {
      out.println("ok    " + what);
    } else {
      failures++;
      out.println("FAIL  " + what);
      out.println("      fix: " + fix);
    }
  }

  static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    List<Path> dirs = new ArrayList<>();
    for (String d : path.split(":")) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    return dirs.stream().anyMatch(d -> Files.isExecutable(d.resolve(tool)));
  }
}
