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

/** {@code hsmkit pin change | unblock}. */
@Command(
    name = "pin",
    description = "Change or unblock the user PIN.",
    subcommands = {PinCommand.Change.class, PinCommand.Unblock.class})
public final class PinCommand {

  @Command(name = "change", description = "Change the user PIN (needs the current one).")
  public static final class Change extends TokenCommand {
    @Option(names = "--pin", description = "Current user PIN (else HSMKIT_PIN or prompt).")
    String pin;

    @Option(names = "--new-pin", description = "New user PIN, 6-15 characters (else HSMKIT_NEW_PIN or prompt).")
    String newPin;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] old = ctx().secrets().get(pin, "HSMKIT_PIN", "Current user PIN", "--pin");
      byte[] next = ctx().secrets().getNew(newPin, "HSMKIT_NEW_PIN", "New user PIN", "--new-pin");
      try {
        PinRules.userPin(next, "the new user PIN");
        SmartCardHsmSession s = token.session();
        s.select();
        s.changePin(old, next);
        ctx().out().println("User PIN changed.");
        return 0;
      } finally {
        Arrays.fill(old, (byte) 0);
        Arrays.fill(next, (byte) 0);
      }
    }
  }

  @Command(name = "unblock",
      description = "Unblock the user PIN with the SO-PIN, optionally setting a new one.")
  public static final class Unblock extends TokenCommand {
    @Option(names = "--so-pin", description = "SO-PIN, 16 hex digits (else HSMKIT_SO_PIN or prompt).")
    String soPin;

    @Option(names = "--new-pin", description = "New user PIN, 6-15 characters (optional; else HSMKIT_NEW_PIN).")
    String newPin;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] soText = ctx().secrets().get(soPin, "HSMKIT_SO_PIN", "SO-PIN", "--so-pin");
      byte[] so = PinRules.soPin(soText, "the SO-PIN");
      Arrays.fill(soText, (byte) 0);
      byte[] next = ctx().secrets().optional(newPin, "HSMKIT_NEW_PIN");
      try {
        if (next != null) {
          PinRules.userPin(next, "the new user PIN");
        }
        SmartCardHsmSession s = token.session();
        s.select();
        s.resetRetryCounter(so, next);
        ctx().out().println(next == null ? "User PIN unblocked." : "User PIN unblocked and set.");
        return 0;
      } finally {
        Arrays.fill(so, (byte) 0);
        if (next != null) {
          Arrays.fill(next, (byte) 0);
        }
      }
    }
  }
}
