package io.hsmkit.cli;

import static io.hsmkit.cli.VpcdPeer.receive;
import static io.hsmkit.cli.VpcdPeer.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit serve} as a real process against a fake vpcd on 127.0.0.1. */
class ServeCommandTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path temp;
  private Process process;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process startServe(Path state, int port, Path stderr) throws IOException {
    return startServe(state, port, stderr, List.of());
  }

  private Process startServe(Path state, int port, Path stderr, List<String> globalOptions)
      throws IOException {
    List<String> args = new ArrayList<>(globalOptions);
    args.addAll(List.of("serve", "--state", state.toString(), "--port", String.valueOf(port)));
    return VpcdPeer.hsmkit(args, stderr).start();
  }

  @Test
  void serve_answersVpcd_andExitsZeroOnSigterm() throws Exception {
    Path state = temp.resolve("cards/one");
    Path stderr = temp.resolve("stderr.txt");
    try (ServerSocket vpcd = new ServerSocket()) {
      vpcd.bind(new InetSocketAddress("127.0.0.1", 0));
      vpcd.setSoTimeout(30_000);
      process = startServe(state, vpcd.getLocalPort(), stderr);
      try (Socket s = vpcd.accept()) {
        s.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        send(out, new byte[] {0x04});
        assertThat(HEX.formatHex(receive(in))).isEqualToIgnoringCase(CardOs.ATR_HEX);
        send(out, new byte[] {0x01});
        send(out, HEX.parseHex("00A404000BE82B0601040181C31F020100"));
        byte[] fcp = receive(in);
        assertThat(HEX.formatHex(fcp)).endsWith("9000");

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(in.read()).isEqualTo(-1); // the card left vpcd
      }
    }
    String err = Files.readString(stderr);
    assertThat(err)
        .containsPattern(
            "hsmkit: serving card DEHK\\d{7} from "
                + java.util.regex.Pattern.quote(state.toString())
                + " to vpcd 127\\.0\\.0\\.1:\\d+")
        .contains("hsmkit: connected to vpcd 127.0.0.1:")
        .contains("hsmkit: stopped; card state kept in " + state);
    // the state directory was released and holds a card
    try (CardOs card = CardOs.open(state, CardEnvironment.system())) {
      assertThat(err).contains(card.deviceChr().substring(0, 11));
    }
  }

  /** --apdu-times: each command APDU's INS and times, written when stopped; --spin-us taken. */
  @Test
  void serve_apduTimes_writtenOnSigterm() throws Exception {
    Path state = temp.resolve("card");
    Path stderr = temp.resolve("stderr.txt");
    Path times = temp.resolve("times.txt");
    try (ServerSocket vpcd = new ServerSocket()) {
      vpcd.bind(new InetSocketAddress("127.0.0.1", 0));
      vpcd.setSoTimeout(30_000);
      process =
          VpcdPeer.hsmkit(
                  List.of("serve", "--state", state.toString(), "--port",
                      String.valueOf(vpcd.getLocalPort()), "--spin-us", "300",
                      "--apdu-times", times.toString()),
                  stderr)
              .start();
      try (Socket s = vpcd.accept()) {
        s.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        send(out, new byte[] {0x01});
        send(out, HEX.parseHex("00A404000BE82B0601040181C31F020100"));
        assertThat(HEX.formatHex(receive(in))).endsWith("9000");
        send(out, HEX.parseHex("0084000008"));
        assertThat(receive(in)).hasSize(10);
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
      }
    }
    assertThat(Files.readAllLines(times))
        .extracting(l -> l.split(" ")[3]) // read answered written INS
        .containsExactly("A4", "84");
    assertThat(Files.readString(stderr)).contains("hsmkit: 2 APDU times written to " + times);
  }

  @Test
  void serve_spinOutOfRange_isAUsageError() throws Exception {
    Path stderr = temp.resolve("stderr.txt");
    for (String spin : List.of("-1", "10001")) {
      process =
          VpcdPeer.hsmkit(
                  List.of("serve", "--state", temp.resolve("card").toString(), "--spin-us", spin),
                  stderr)
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(Files.readString(stderr).strip())
          .isEqualTo("hsmkit: --spin-us must be between 0 and 10000, not " + spin);
    }
  }

  @Test
  void serve_waitsForVpcd_thenConnects() throws Exception {
    Path state = temp.resolve("card");
    try (ReservedPort port = new ReservedPort()) { // nothing listens yet: pcscd not started
      StderrLines err = startWatched(state, port.port(), List.of());
      err.await(l -> l.contains("not reachable (Connection refused)"), 1, Duration.ofSeconds(30));
      try (ServerSocket vpcd = port.listen()) {
        vpcd.setSoTimeout(10_000);
        try (Socket s = vpcd.accept()) {
          s.setSoTimeout(10_000);
          DataInputStream in = new DataInputStream(s.getInputStream());
          send(s.getOutputStream(), new byte[] {0x04});
          assertThat(HEX.formatHex(receive(in))).isEqualToIgnoringCase(CardOs.ATR_HEX);
        }
      }
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      // later retries log at DEBUG (VpcdClientTest.refusedRetries_loggedOnceAtInfo)
      assertThat(err.all(Duration.ofSeconds(20)))
          .containsOnlyOnce("not reachable (Connection refused)")
          .contains("hsmkit: connected to vpcd 127.0.0.1:" + port.port());
    }
  }

  /** Logging starts only on the first record; --verbose must still reach it (levels, format). */
  @Test
  void serve_verbose_logsTheRetriesAsOneLineEach() throws Exception {
    try (ReservedPort port = new ReservedPort()) {
      StderrLines err = startWatched(temp.resolve("card"), port.port(), List.of("--verbose"));
      List<String> retries =
          err.await(l -> l.contains("not reachable"), 3, Duration.ofSeconds(30));
      assertThat(retries)
          .allSatisfy(l -> assertThat(l).startsWith("hsmkit: vpcd at 127.0.0.1:" + port.port()));
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(err.all(Duration.ofSeconds(20)).lines().filter(l -> l.contains("not reachable")))
          .hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(l -> assertThat(l).startsWith("hsmkit: vpcd at 127.0.0.1:" + port.port()));
    }
  }

  private StderrLines startWatched(Path state, int port, List<String> globalOptions)
      throws IOException {
    List<String> args = new ArrayList<>(globalOptions);
    args.addAll(List.of("serve", "--state", state.toString(), "--port", String.valueOf(port)));
    Path copy = temp.resolve("stderr.txt");
    StderrLines.Started started = StderrLines.start(VpcdPeer.hsmkit(args, copy), copy);
    process = started.process();
    return started.stderr();
  }
}
