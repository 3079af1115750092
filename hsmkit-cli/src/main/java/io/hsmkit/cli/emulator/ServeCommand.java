package io.hsmkit.cli.emulator;

import io.hsmkit.bridge.ApduTimeLog;
import io.hsmkit.bridge.VirtualCard;
import io.hsmkit.bridge.VpcdClient;
import io.hsmkit.card.CardOs;
import io.hsmkit.cli.support.CliContext;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.token.CardEnvironments;
import io.hsmkit.token.TokenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hsmkit serve}: puts the card whose state is in a directory into vsmartcard's {@code vpcd}
 * reader driver, so that pcscd and everything above it (OpenSC, PKCS#11, javax.smartcardio) see
 * it as a Nitrokey HSM 2 in the reader "Virtual PCD". Runs until SIGTERM or SIGINT; then the
 * connection is closed, the state directory is released and the process exits with status 0.
 *
 * <p>Only 127.0.0.1 is ever contacted. Debian's vpcd listens on every interface, so pcscd and
 * this command belong in a network namespace with only loopback (docs/interop.md).
 */
@Command(
    name = "serve",
    description = {
      "Serve an emulated card to vsmartcard's vpcd reader driver (pcscd) until SIGTERM/SIGINT.",
      "The card is a TCP client of vpcd on 127.0.0.1; it reconnects by itself when pcscd"
          + " restarts."
    })
public final class ServeCommand implements Callable<Integer> {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--state",
      required = true,
      paramLabel = "DIR",
      description =
          "Card state directory. Created as a factory-new, uninitialized card when missing.")
  Path state;

  @Option(
      names = "--port",
      defaultValue = "" + VpcdClient.DEFAULT_PORT,
      paramLabel = "N",
      description =
          "vpcd port on 127.0.0.1: 35963 = first reader slot, 35964 = second"
              + " (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "Extra secret mixed into the card's PIN key derivation (at least 16 bytes; default: the"
              + " environment variable HSMKIT_CARD_SECRET, else none). A card initialized with"
              + " one opens only with the same one. See SECURITY.md.")
  Path secretFile;

  @Option(
      names = "--spin-us",
      paramLabel = "N",
      description =
          "After each answer, poll for the next APDU for up to N microseconds before sleeping"
              + " (0 = off, at most 10000; default: ${DEFAULT-VALUE}). 200 makes a mostly idle"
              + " machine faster and a busy one slower (BENCHMARKS.md). Costs CPU only while APDUs"
              + " flow.")
  long spinMicros = VpcdClient.Config.DEFAULT_SPIN.toNanos() / 1000;

  @Option(
      names = "--apdu-times",
      paramLabel = "FILE",
      description =
          "Benchmarking: record when each APDU arrived and was answered (INS byte only, no data)"
              + " and write the last 2 million to FILE when stopped.")
  Path apduTimes;

  /** Entries kept by --apdu-times: about 52 MB, a long benchmark run's APDUs. */
  private static final int APDU_TIMES_CAPACITY = 1 << 21;

  @Override
  public Integer call() throws TokenException, InterruptedException {
    if (port < 1 || port > 65535) {
      throw CliException.usage("--port must be between 1 and 65535, not " + port);
    }
    Duration spin = Duration.ofNanos(spinMicros * 1000);
    if (spinMicros < 0 || spin.compareTo(VpcdClient.Config.MAX_SPIN) > 0) {
      throw CliException.usage("--spin-us must be between 0 and 10000, not " + spinMicros);
    }
    Path dir = state.toAbsolutePath().normalize();
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
      throw CliException.usage("--state " + dir + " exists and is not a directory");
    }
    CardOs card;
    try {
      card = CardEnvironments.openCard(dir, secretFile, ((CliContext) spec.root().userObject()).env());
    } catch (IllegalStateException e) {
      throw CliException.usage("card state " + dir + " is damaged: " + e.getMessage());
    } catch (TokenException e) {
      if (TokenCommand.wrongSecret(e)) {
        throw CliException.usage(e.getMessage()
            + " (serve takes the extra secret from --secret-file FILE or HSMKIT_CARD_SECRET)");
      }
      throw e;
    }
    PrintWriter err = spec.commandLine().getErr();
    ApduTimeLog times = apduTimes == null ? null : new ApduTimeLog(APDU_TIMES_CAPACITY);
    VpcdClient client =
        new VpcdClient(
            VirtualCard.of(card), VpcdClient.Config.loopback(port).withSpin(spin), times);
    AtomicBoolean signalled = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              signalled.set(true);
              stop(client, card, dir, times, err);
              // Exit 0 on SIGTERM/SIGINT: a clean stop is not a failure (the JVM would say 143).
              Runtime.getRuntime().halt(0);
            },
            "hsmkit-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    err.printf(
        "hsmkit: serving card %s from %s to vpcd 127.0.0.1:%d%n", serial(card), dir, port);
    err.flush();
    client.run(); // returns only after stop()
    if (signalled.get()) {
      Thread.currentThread().join(); // the shutdown hook closes the card and halts the JVM
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    card.close();
    return 0;
  }

  private void stop(
      VpcdClient client, CardOs card, Path dir, ApduTimeLog times, PrintWriter err) {
    client.stop();
    boolean stopped = false;
    try {
      stopped = client.awaitTermination(STOP_TIMEOUT);
      if (!stopped) {
        err.println("hsmkit: warning: the vpcd connection did not close in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (times != null && stopped) {
      try {
        times.writeTo(apduTimes);
        err.printf("hsmkit: %d APDU times written to %s%n", times.count(), apduTimes);
      } catch (IOException e) {
        err.println("hsmkit: warning: could not write " + apduTimes + ": " + e.getMessage());
      }
    }
    card.close(); // waits for an APDU in progress; every change was already committed
    err.println("hsmkit: stopped; card state kept in " + dir);
    err.flush();
  }

  /** The serial number OpenSC shows: the device CHR without its 5-digit sequence number. */
  static String serial(CardOs card) {
    String chr = card.deviceChr();
    return chr.length() > 5 ? chr.substring(0, chr.length() - 5) : chr;
  }
}
