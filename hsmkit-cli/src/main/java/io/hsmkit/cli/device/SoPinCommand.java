package io.hsmkit.cli.device;

import io.hsmkit.cli.support.PinRules;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.token.Token;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit so-pin change}: both SO-PINs must be 16 hex digits, checked before sending. */
@Command(name = "so-pin", description = "Manage the SO-PIN.", subcommands = SoPinCommand.Change.class)
public final class SoPinCommand {

  @Command(name = "change", description = "Change the SO-PIN (16 hex digits; 15 tries, never unblocked).")
  public static final class Change extends TokenCommand {
    @Option(names = "--so-pin", description = "Current SO-PIN (else HSMKIT_SO_PIN or prompt).")
    String soPin;

    @Option(names = "--new-so-pin", description = "New SO-PIN, 16 hex digits (else HSMKIT_NEW_SO_PIN or prompt).")
    String newSoPin;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] oldText = ctx().secrets().get(soPin, "HSMKIT_SO_PIN", "Current SO-PIN", "--so-pin");
      byte[] newText =
          ctx().secrets().getNew(newSoPin, "HSMKIT_NEW_SO_PIN", "New SO-PIN", "--new-so-pin");
      byte[] old = PinRules.soPin(oldText, "the current SO-PIN");
      byte[] next = PinRules.soPin(newText, "the new SO-PIN");
      Arrays.fill(oldText, (byte) 0);
      Arrays.fill(newText, (byte) 0);
      try {
        SmartCardHsmSession s = token.session();
        s.select();
        s.changeSoPin(old, next);
        ctx().out().println("SO-PIN changed. Store it safely: it cannot be reset.");
        return 0;
      } finally {
        Arrays.fill(old, (byte) 0);
        Arrays.fill(next, (byte) 0);
      }
    }
  }
}
