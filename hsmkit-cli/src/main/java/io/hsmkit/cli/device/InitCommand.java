package io.hsmkit.cli.device;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.PinRules;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.token.Token;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.PinReference;
import io.hsmkit.client.PinStatus;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyManager;
import java.io.IOException;
import java.util.Arrays;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit init}: INITIALIZE DEVICE with the rails {@code sc-hsm-tool} lacks. Refused before
 * anything is sent: an SO-PIN that is not 16 hex digits, a user PIN outside 6..15 characters, no
 * explicit DKEK decision, and re-initializing a card that holds keys or an imported DKEK without
 * confirmation on a terminal or {@code --force}.
 */
@Command(
    name = "init",
    description = "Initialize the device (erases all keys): set SO-PIN, user PIN, label and DKEK.")
public final class InitCommand extends TokenCommand {
  @Option(names = "--so-pin", description = "SO-PIN, 16 hex digits (else HSMKIT_SO_PIN or prompt).")
  String soPin;

  @Option(names = "--pin", description = "New user PIN, 6-15 characters (else HSMKIT_PIN or prompt).")
  String pin;

  @Option(names = "--label", description = "Token label shown by PKCS#11 applications.")
  String label;

  @Option(names = "--pin-retries", defaultValue = "3",
      description = "User PIN retry counter (default 3; at most 3 for 6-character PINs, 5 for 7, 10 for longer).")
  int retries;

  @ArgGroup(exclusive = true, multiplicity = "1")
  DkekChoice dkek;

  static final class DkekChoice {
    @Option(names = "--dkek-shares", required = true,
        description = "Number of DKEK shares to import afterwards (0 = random DKEK, backups only to this device).")
    Integer shares;

    @Option(names = "--no-dkek", required = true,
        description = "No DKEK: keys can NEVER be backed up or moved to another device.")
    boolean none;
  }

  @Option(names = "--key-domains", description = "Key-domain slots to allocate (1-255; slot 0 is the DKEK). Create domains in them with hsmkit domain create.")
  Integer keyDomains;

  @Option(names = "--public-key-auth", paramLabel = "M",
      description = "Public key authentication: number of keys of other cards to register (1..90; hsmkit pka register).")
  Integer publicKeyAuth;

  @Option(names = "--required-pub-keys", paramLabel = "N",
      description = "With --public-key-auth: keys needed to log in (1..M; default 1).")
  Integer requiredPubKeys;

  @Option(names = "--force", description = "Re-initialize without asking even if the device holds keys or an imported DKEK (they are erased; needed without a terminal).")
  boolean force;

  @Override
  protected boolean createsToken() {
    return true;
  }

  @Override
  protected void validate() {
    if (dkek.shares != null && (dkek.shares < 0 || dkek.shares > 255)) {
      throw CliException.usage("--dkek-shares must be between 0 and 255");
    }
    if (keyDomains != null && (keyDomains < 1 || keyDomains > 255)) {
      throw CliException.usage("--key-domains must be between 1 and 255");
    }
    if (requiredPubKeys != null && publicKeyAuth == null) {
      throw CliException.usage("--required-pub-keys goes with --public-key-auth");
    }
    if (publicKeyAuth != null) {
      int n = requiredPubKeys == null ? 1 : requiredPubKeys;
      if (publicKeyAuth < 1 || publicKeyAuth > 90 || n < 1 || n > publicKeyAuth) {
        throw CliException.usage("need 1 <= --required-pub-keys <= --public-key-auth <= 90");
      }
    }
    if (label != null && label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 100) {
      throw CliException.usage("--label is longer than 100 bytes");
    }
  }

  @Override
  protected int run(Token token) throws IOException, HsmException {
    SmartCardHsmSession session = token.session();
    session.select();
    // the first INITIALIZE sets an SO-PIN that can never be reset: on a terminal, ask twice
    boolean first = session.pinStatus(PinReference.SO).state() == PinStatus.State.NOT_INITIALIZED;
    byte[] soText = first
        ? ctx().secrets().getNew(soPin, "HSMKIT_SO_PIN", "New SO-PIN (16 hex digits)", "--so-pin")
        : ctx().secrets().get(soPin, "HSMKIT_SO_PIN", "SO-PIN", "--so-pin");
    byte[] so = PinRules.soPin(soText, "the SO-PIN");
    Arrays.fill(soText, (byte) 0);
    byte[] userPin = ctx().secrets().getNew(pin, "HSMKIT_PIN", "New user PIN", "--pin");
    try {
      PinRules.userPin(userPin, "the user PIN");
      int maxRetries = userPin.length <= 6 ? 3 : userPin.length == 7 ? 5 : 10;
      if (retries < 1 || retries > maxRetries) {
        throw CliException.usage(
            "--pin-retries must be between 1 and " + maxRetries + " for a " + userPin.length
                + "-character PIN");
      }
      SmartCardHsmSession s = session;
      boolean initialized = s.pinStatus(PinReference.SO).state() != PinStatus.State.NOT_INITIALIZED;
      if (initialized && !force) {
        int keys = new KeyManager(s).keyRefs().size();
        var dkekNow = s.dkekStatus();
        boolean imported = dkekNow.isPresent()
            && dkekNow.get().totalShares() - dkekNow.get().outstanding() > 0;
        if (keys > 0 || imported) {
          String what = "re-initializing erases "
              + (keys > 0 ? keys + " key" + (keys == 1 ? "" : "s") : "")
              + (keys > 0 && imported ? " and " : "")
              + (imported ? "the imported DKEK" + (dkekNow.get().kcvKnown()
                  ? " (KCV " + dkekNow.get().kcvHex() + ")" : "") : "");
          if (ctx().secrets().terminal().isEmpty()) {
            throw CliException.usage(what + "; back up first (hsmkit backup) or add --force");
          }
          io.hsmkit.cli.support.Confirm.require(ctx(), false, what, "yes");
        }
      }
      if (publicKeyAuth != null
          && token.spec().kind() == io.hsmkit.client.token.TokenSpec.Kind.EMULATED
          && ctx().env().getOrDefault(io.hsmkit.token.CardEnvironments.ENV, "").isEmpty()) {
        ctx().err().println("hsmkit: warning: no card secret (" + io.hsmkit.token.CardEnvironments.ENV
            + "): a login by public key authentication needs no PIN, so the keys of this card"
            + " are then protected only by the state directory's permissions (SECURITY.md"
            + " \"Card identity and PKA trust\")");
      }
      if (dkek.none) {
        ctx().err().println(
            "hsmkit: warning: no DKEK: keys on this device can never be backed up or restored");
      }
      InitializeRequest req =
          new InitializeRequest(so, userPin, 0x0001, retries, dkek.none ? null : dkek.shares,
              keyDomains);
      try {
        if (publicKeyAuth == null) {
          s.initialize(req);
        } else {
          s.initialize(req, publicKeyAuth, requiredPubKeys == null ? 1 : requiredPubKeys);
        }
      } finally {
        req.wipe();
      }
      if (label != null && !label.isEmpty()) {
        s.verifyPin(userPin);
        s.writeFile(TokenInfo.FID, TokenInfo.encode(label));
      }
      ctx().out().println("Device initialized"
          + (dkek.none ? " without DKEK."
              : dkek.shares == 0 ? " with a random DKEK (backups restore only to this device)."
              : "; import " + dkek.shares + " DKEK share" + (dkek.shares == 1 ? "" : "s")
                  + " now (hsmkit dkek import) before generating keys.")
          + (keyDomains == null ? "" : " " + keyDomains + " key-domain slot"
              + (keyDomains == 1 ? "" : "s") + " (hsmkit domain create)."));
      if (publicKeyAuth != null) {
        ctx().out().println("Public key authentication: register " + publicKeyAuth + " key"
            + (publicKeyAuth == 1 ? "" : "s") + " now (hsmkit pka register FILE); "
            + (requiredPubKeys == null ? 1 : requiredPubKeys) + " will be needed to log in.");
      }
      return 0;
    } finally {
      Arrays.fill(so, (byte) 0);
      Arrays.fill(userPin, (byte) 0);
    }
  }
}
