package io.hsmkit.cli.device;

import io.hsmkit.client.json.Json;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.token.Token;
import io.hsmkit.client.AppletInfo;
import io.hsmkit.client.DkekStatus;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.PinReference;
import io.hsmkit.client.PinStatus;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit status}: everything {@code sc-hsm-tool} prints, plus serial, label, key count. */
@Command(
    name = "status",
    description = "Show the device status (version, options, PIN tries, DKEK, serial, label, keys).")
public final class StatusCommand extends TokenCommand {
  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  protected int run(Token token) throws IOException, HsmException {
    SmartCardHsmSession s = token.session();
    AppletInfo info = s.select();
    PinStatus so = s.pinStatus(PinReference.SO);
    boolean initialized = so.state() != PinStatus.State.NOT_INITIALIZED;
    PinStatus user = initialized ? s.pinStatus(PinReference.USER) : null;
    Optional<DkekStatus> dkek = initialized ? s.dkekStatus() : Optional.empty();
    KeyManager km = new KeyManager(s);
    String serial = km.serial();
    Optional<String> label = s.readFile(TokenInfo.FID).flatMap(TokenInfo::label);
    int keys = km.keyRefs().size();

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("token", token.description());
    m.put("serial", serial);
    m.put("label", label.orElse(null));
    m.put("version", info.version());
    m.put("initialized", initialized);
    m.put("userPinResetWithSoPin", info.userPinResetEnabled());
    m.put("transportPinMode", info.transportPinMode());
    if (initialized) {
      m.put("soPinTriesLeft", so.triesLeft());
      m.put("userPinTriesLeft", user.state() == PinStatus.State.BLOCKED ? 0 : user.triesLeft());
      m.put("userPinBlocked", user.state() == PinStatus.State.BLOCKED);
      m.put("dkekShares", dkek.map(DkekStatus::totalShares).orElse(null));
      m.put("dkekOutstanding", dkek.map(DkekStatus::outstanding).orElse(null));
      m.put("dkekDegenerate", dkek.map(DkekStatus::degenerate).orElse(false));
      m.put("dkekKcv", dkek.filter(DkekStatus::complete).filter(DkekStatus::kcvKnown).map(DkekStatus::kcvHex).orElse(null));
    }
    m.put("keys", keys);
    PrintWriter out = ctx().out();
    if (json) {
      out.println(Json.write(m));
      return 0;
    }
    out.printf("Token                : %s%n", token.description());
    out.printf("Serial number        : %s%n", serial);
    label.ifPresent(l -> out.printf("Label                : %s%n", io.hsmkit.cli.support.Text.safe(l)));
    out.printf("Version              : %s%n", info.version());
    if (!initialized) {
      out.println("SmartCard-HSM has never been initialized. Use hsmkit init to set SO-PIN and user PIN.");
      return 0;
    }
    if ((info.options() & 0xFF) != 0) {
      out.println("Config options       :");
      if (info.userPinResetEnabled()) {
        out.println("  User PIN reset with SO-PIN enabled");
      }
      if (info.transportPinMode()) {
        out.println("  Transport-PIN mode enabled");
      }
    }
    out.println(so.state() == PinStatus.State.BLOCKED ? "SO-PIN locked"
        : String.format("SO-PIN tries left    : %d", so.triesLeft()));
    switch (user.state()) {
      case BLOCKED -> out.println("User PIN locked");
      case TRANSPORT_PIN -> out.println("Transport-PIN active. Change it to a user PIN first.");
      case VERIFIED -> out.println("User PIN tries left  : -1");
      default -> out.printf("User PIN tries left  : %d%n", user.triesLeft());
    }
    if (dkek.isPresent()) {
      DkekStatus d = dkek.get();
      out.printf("DKEK shares          : %d%n", d.totalShares());
      if (d.complete()) {
        out.printf("DKEK key check value : %s%n", d.kcvText());
        if (d.degenerate()) {
          out.println("WARNING: the DKEK is all zeros (a share imported twice): anyone can read"
              + " its wrap files and backups. Re-initialize with fresh shares.");
        }
      } else {
        out.printf("DKEK import pending, %d share(s) still missing%n", d.outstanding());
      }
    } else {
      out.println("DKEK                 : none (keys can never be backed up)");
    }
    out.printf("Keys                 : %d%n", keys);
    return 0;
  }
}
