package io.hsmkit.cli.support;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** The {@code --pin} option of the commands that log in, and the login itself. */
public final class UserPinOption {
  @Option(names = "--pin", description = "User PIN (else HSMKIT_PIN or prompt).")
  String pin;

  /** Selects the applet and logs in with the PIN from the option, HSMKIT_PIN or a prompt. */
  public void login(CliContext ctx, SmartCardHsmSession s) throws IOException, HsmException {
    byte[] p = ctx.secrets().get(pin, "HSMKIT_PIN", "User PIN", "--pin");
    try {
      s.select();
      s.verifyPin(p);
    } finally {
      Arrays.fill(p, (byte) 0);
    }
  }
}
