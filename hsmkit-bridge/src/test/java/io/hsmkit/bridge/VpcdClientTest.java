package io.hsmkit.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VpcdClientTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SELECT_APPLET = HEX.parseHex("00A404000BE82B0601040181C31F020100");
  private static final byte[] SELECT_MUSCLE = HEX.parseHex("00A4040006A00000000101");
  private static final byte[] USER_PIN_STATUS = HEX.parseHex("00200081");
  private static final byte[] VERIFY_USER = HEX.parseHex("0020008106" + "363438323139");
  private static final byte[] INITIALIZE =
      HEX.parseHex(
          "8050000019" + "80020001" + "8106363438323139" + "82083537363231383830" + "910103");

  private static final Predicate<LogRecord> NOT_REACHABLE =
      LogWatch.messageStartsWith("vpcd at {0} not reachable");

  private CardOs card;
  private VpcdClient client;
  private FakeVpcd vpcd;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.stop();
      assertThat(client.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }
    if (vpcd != null) {
      vpcd.close();
    }
    if (card != null) {
      card.close();
    }
  }

  private FakeVpcd serveCard() throws IOException {
    card = CardOs.inMemory(CardEnvironment.system());
    return serve(VirtualCard.of(card), c -> c);
  }

  private FakeVpcd serve(VirtualCard vc, Function<VpcdClient.Config, VpcdClient.Config> tweak)
      throws IOException {
    return serve(vc, tweak, null);
  }

  private FakeVpcd serve(
      VirtualCard vc, Function<VpcdClient.Config, VpcdClient.Config> tweak, ApduTimeLog log)
      throws IOException {
    vpcd = new FakeVpcd();
    VpcdClient.Config config =
        tweak.apply(
            VpcdClient.Config.loopback(vpcd.port())
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    client = new VpcdClient(vc, config, log);
    client.start();
    return vpcd.accept();
  }

  private static String sw(byte[] response) {
    assertThat(response).hasSizeGreaterThanOrEqualTo(2);
    return HEX.formatHex(response, response.length - 2, response.length).toUpperCase();
  }

  @Test
  void atrRequest_answersTheNitrokeyAtr() throws Exception {
    FakeVpcd v = serveCard();
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
    assertThat(client.isConnected()).isTrue();
    assertThat(client.connectionCount()).isEqualTo(1);
  }

  @Test
  void powerOnOffReset_areNeverAnswered() throws Exception {
    FakeVpcd v = serveCard();
    v.control(0x01);
    v.control(0x02);
    v.control(0x00);
    v.expectSilence(Duration.ofMillis(300));
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
  }

  @Test
  void apduRoundTrip_selectsTheAppletAndRefusesOtherAids() throws Exception {
    FakeVpcd v = serveCard();
    v.control(0x01);
    byte[] fcp = v.transmit(SELECT_APPLET);
    assertThat(sw(fcp)).isEqualTo("9000");
    assertThat(fcp[0]).isEqualTo((byte) 0x62);
    assertThat(sw(v.transmit(SELECT_MUSCLE))).isEqualTo("6A82");
    // an extended APDU with a large response: GET CHALLENGE of 1024 bytes
    byte[] random = v.transmit(HEX.parseHex("00840000000400"));
    assertThat(random).hasSize(1026);
    assertThat(sw(random)).isEqualTo("9000");
  }

  @Test
  void powerCycle_clearsTheLogin() throws Exception {
    FakeVpcd v = serveCard();
    v.control(0x01);
    assertThat(sw(v.transmit(SELECT_APPLET))).isEqualTo("9000");
    assertThat(sw(v.transmit(INITIALIZE))).isEqualTo("9000");
    assertThat(sw(v.transmit(VERIFY_USER))).isEqualTo("9000");
    assertThat(sw(v.transmit(USER_PIN_STATUS))).isEqualTo("9000");

    v.control(0x00);
    v.control(0x01);
    assertThat(sw(v.transmit(USER_PIN_STATUS))).isEqualTo("63C3");

    assertThat(sw(v.transmit(VERIFY_USER))).isEqualTo("9000");
    v.control(0x02);
    assertThat(sw(v.transmit(USER_PIN_STATUS))).isEqualTo("63C3");
  }

  @Test
  void garbageFrames_neverBreakTheConnection() throws Exception {
    FakeVpcd v = serveCard();
    v.sendRaw((byte) 0, (byte) 0); // zero-length frame: ignored, no reply
    v.control(0x07); // unknown control byte: ignored, no reply
    v.control(0xFF);
    v.expectSilence(Duration.ofMillis(300));
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);

    assertThat(sw(v.transmit(new byte[] {0x00, (byte) 0xA4}))).isEqualTo("6700");
    assertThat(sw(v.transmit(new byte[] {0x00, (byte) 0xA4, 0x04}))).isEqualTo("6700");

    byte[] noise = new byte[VpcdClient.MAX_FRAME];
    new Random(7).nextBytes(noise);
    byte[] answer = v.transmit(noise);
    assertThat(answer).hasSize(2);

    assertThat(sw(v.transmit(SELECT_APPLET))).isEqualTo("9000");
    assertThat(client.connectionCount()).isEqualTo(1);
  }

  @Test
  void oversizedFrame_isDiscardedAndAnswered6700() throws Exception {
    card = CardOs.inMemory(CardEnvironment.system());
    FakeVpcd v = serve(VirtualCard.of(card), c -> c.withMaxCommandLength(300));
    byte[] big = new byte[20_000];
    big[1] = (byte) 0xA4;
    assertThat(sw(v.transmit(big))).isEqualTo("6700");
    assertThat(sw(v.transmit(SELECT_APPLET))).isEqualTo("9000");
    assertThat(client.connectionCount()).isEqualTo(1);
  }

  @Test
  void failingCard_isAnswered6F00_andNeverWithAnEmptyFrame() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    VirtualCard broken =
        new StubCard() {
          @Override
          public byte[] process(byte[] command) {
            return switch (calls.incrementAndGet()) {
              case 1 -> throw new IllegalStateException("bug");
              case 2 -> new byte[0];
              case 3 -> null;
              case 4 -> new byte[70_000];
              default -> new byte[] {(byte) 0x90, 0x00};
            };
          }
        };
    FakeVpcd v = serve(broken, c -> c);
    for (int i = 0; i < 4; i++) {
      assertThat(v.transmit(SELECT_APPLET)).containsExactly(0x6F, 0x00);
    }
    assertThat(v.transmit(SELECT_APPLET)).containsExactly(0x90, 0x00);
  }

  @Test
  void serverClosesConnection_clientReconnectsWithTheCardPoweredOff() throws Exception {
    FakeVpcd v = serveCard();
    v.control(0x01);
    assertThat(sw(v.transmit(SELECT_APPLET))).isEqualTo("9000");
    assertThat(sw(v.transmit(INITIALIZE))).isEqualTo("9000");
    assertThat(sw(v.transmit(VERIFY_USER))).isEqualTo("9000");

    v.dropConnection(); // pcscd gone or card "removed" by vpcd
    v.accept();
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
    assertThat(sw(v.transmit(USER_PIN_STATUS))).isEqualTo("63C3");
    assertThat(client.connectionCount()).isEqualTo(2);
  }

  @Test
  void tornFrame_thenClose_clientReconnects() throws Exception {
    FakeVpcd v = serveCard();
    v.sendRaw((byte) 0x00, (byte) 0x10, (byte) 0x00, (byte) 0xA4); // 16 announced, 2 sent
    v.dropConnection();
    v.accept();
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
  }

  @Test
  void serverGoneAndBack_clientRetriesUntilItCanConnect() throws Exception {
    try (LogWatch log = new LogWatch(VpcdClient.class)) {
      FakeVpcd v = serveCard();
      int port = v.port();
      v.close(); // vpcd (pcscd) stopped: connections are refused for a while
      log.await(NOT_REACHABLE, 1, Duration.ofSeconds(30)); // the client saw it and was refused
      assertThat(client.isConnected()).isFalse();
      vpcd = new FakeVpcd(port).accept();
      assertThat(HEX.formatHex(vpcd.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
      assertThat(client.connectionCount()).isEqualTo(2);
    }
  }

  /** The first refused attempt is logged at INFO, the retries after it at DEBUG (FINE). */
  @Test
  void refusedRetries_loggedOnceAtInfo() throws Exception {
    try (LogWatch log = new LogWatch(VpcdClient.class);
        ReservedPort port = new ReservedPort()) {
      card = CardOs.inMemory(CardEnvironment.system());
      client =
          new VpcdClient(
              VirtualCard.of(card),
              VpcdClient.Config.loopback(port.port())
                  .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
      client.start();
      List<LogRecord> refused = log.await(NOT_REACHABLE, 4, Duration.ofSeconds(30));
      assertThat(refused).extracting(LogRecord::getLevel).startsWith(
          java.util.logging.Level.INFO, java.util.logging.Level.FINE,
          java.util.logging.Level.FINE, java.util.logging.Level.FINE);
      assertThat(client.connectionCount()).isZero();
    }
  }

  @Test
  void stop_whileConnected_closesTheConnection() throws Exception {
    FakeVpcd v = serveCard();
    assertThat(v.atr()).isNotEmpty();
    client.stop();
    assertThat(client.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(v.closedByPeer()).isTrue();
    assertThat(client.isConnected()).isFalse();
  }

  @Test
  void stop_whileWaitingToReconnect_returnsPromptly() throws Exception {
    try (LogWatch log = new LogWatch(VpcdClient.class);
        ReservedPort port = new ReservedPort()) { // refuses, and no one else can listen there
      card = CardOs.inMemory(CardEnvironment.system());
      client =
          new VpcdClient(
              VirtualCard.of(card),
              VpcdClient.Config.loopback(port.port())
                  .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10)));
      client.start();
      log.await(NOT_REACHABLE, 1, Duration.ofSeconds(30)); // refused: now in its 1 s back-off
      long t0 = System.nanoTime();
      client.stop();
      assertThat(client.awaitTermination(Duration.ofSeconds(5))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      assertThat(client.connectionCount()).isZero();
    }
  }

  @Test
  void run_onlyOnce() throws Exception {
    serveCard();
    assertThatThrownBy(() -> client.run()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void config_rejectsNonsense() {
    assertThatThrownBy(() -> VpcdClient.Config.loopback(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VpcdClient.Config.loopback(35963).withMaxCommandLength(70_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new VpcdClient.Config(
                    new InetSocketAddress("127.0.0.1", 1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    100,
                    Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VpcdClient.Config.loopback(35963).withSpin(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                VpcdClient.Config.loopback(35963)
                    .withSpin(VpcdClient.Config.MAX_SPIN.plusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(VpcdClient.Config.loopback(35963).spin()).isEqualTo(VpcdClient.Config.DEFAULT_SPIN);
  }

  /**
   * The spin after an answer only changes when the next frame is read, never what is answered:
   * the same exchange, including a frame whose header and payload arrive apart (inside a 10 ms spin
   * and after it), gives the same answers with the spin off, the default and the longest.
   */
  @ParameterizedTest
  @ValueSource(longs = {0, 200, 10_000})
  void spin_neverChangesTheAnswers(long spinMicros) throws Exception {
    card = CardOs.inMemory(CardEnvironment.system());
    FakeVpcd v =
        serve(VirtualCard.of(card), c -> c.withSpin(Duration.ofNanos(spinMicros * 1000)));
    v.control(0x01);
    assertThat(sw(v.transmit(SELECT_APPLET))).isEqualTo("9000");
    for (long pause : new long[] {2, 25}) {
      v.sendRaw((byte) 0, (byte) SELECT_MUSCLE.length);
      Thread.sleep(pause);
      v.sendRaw(SELECT_MUSCLE);
      assertThat(sw(v.readFrame())).isEqualTo("6A82");
    }
    assertThat(v.transmit(HEX.parseHex("0084000008"))).hasSize(10);
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
    assertThat(sw(v.transmit(USER_PIN_STATUS))).isEqualTo("6A88");
    assertThat(client.connectionCount()).isEqualTo(1);
    client.stop(); // also while spinning: stop must not wait for the window
    assertThat(client.awaitTermination(Duration.ofSeconds(2))).isTrue();
    client = null;
  }

  @Test
  void timeLog_recordsEachCommandApduInOrder(@TempDir Path dir) throws Exception {
    card = CardOs.inMemory(CardEnvironment.system());
    ApduTimeLog log = new ApduTimeLog(3);
    FakeVpcd v = serve(VirtualCard.of(card), c -> c, log);
    v.control(0x01); // control frames are not APDUs: not logged
    assertThat(HEX.formatHex(v.atr())).isEqualToIgnoringCase(CardOs.ATR_HEX);
    long before = System.nanoTime();
    assertThat(sw(v.transmit(SELECT_APPLET))).isEqualTo("9000");
    assertThat(v.transmit(HEX.parseHex("0084000008"))).hasSize(10);
    assertThat(sw(v.transmit(SELECT_MUSCLE))).isEqualTo("6A82");
    assertThat(sw(v.transmit(USER_PIN_STATUS))).isEqualTo("6A88");
    client.stop();
    assertThat(client.awaitTermination(Duration.ofSeconds(5))).isTrue();
    long after = System.nanoTime(); // the last answer may reach us before its time is taken
    client = null;

    assertThat(log.count()).isEqualTo(4);
    Path file = dir.resolve("times");
    log.writeTo(file);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3); // a ring of 3: the oldest (the SELECT) was overwritten
    assertThat(lines).extracting(l -> l.split(" ")[3]).containsExactly("84", "A4", "20");
    long previous = before;
    for (String line : lines) {
      String[] f = line.split(" ");
      long read = Long.parseLong(f[0]);
      long answered = Long.parseLong(f[1]);
      long written = Long.parseLong(f[2]);
      assertThat(read).isGreaterThanOrEqualTo(previous);
      assertThat(answered).isGreaterThanOrEqualTo(read);
      assertThat(written).isGreaterThanOrEqualTo(answered).isLessThanOrEqualTo(after);
      previous = written;
    }
  }

  /** A card that answers 9000 to everything. */
  private static class StubCard implements VirtualCard {
    @Override
    public byte[] atr() {
      return HEX.parseHex(CardOs.ATR_HEX);
    }

    @Override
    public void powerOn() {}

    @Override
    public void powerOff() {}

    @Override
    public void reset() {}

    @Override
    public byte[] process(byte[] command) {
      return new byte[] {(byte) 0x90, 0x00};
    }
  }
}
