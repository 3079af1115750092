package io.hsmkit.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.state.CardState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import io.hsmkit.proptest.Gen;
import io.hsmkit.proptest.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vpcd side turned hostile: one {@link VpcdClient} serving a real, file-backed card is fed
 * random sessions of malformed, zero-length, truncated and oversized frames, random bytes, unknown
 * control bytes and valid APDUs, each session ending with an abrupt close (possibly mid-frame) or
 * a clean one. After every session the client must reconnect by itself and answer SELECT with
 * 9000, its thread must be alive, and the card state on disk must equal the one in memory (no
 * half-applied command). Memory: the client allocates at most {@code maxCommandLength} per frame;
 * here the limit is 1024 so oversized frames (up to 0xFFFF) are exercised and must be answered
 * 6700 without being kept.
 *
 * <p>Tries: 500 sessions ({@code -Dhsmkit.tries} raises them: scripts/long-tests.sh).
 */
class VpcdFuzzProperties {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SELECT = HEX.parseHex("00A404000BE82B0601040181C31F020100");
  private static final int LIMIT = 1024;

  private static Path dir;
  private static CardOs card;
  private static ServerSocket server;
  private static VpcdClient client;
  private static Thread clientThread;
  private static long sessions;
  private static long bytesSent;
  /** The client's log, kept off the build output; an ERROR means a bug, not hostile input. */
  private static final java.util.logging.Logger JUL =
      java.util.logging.Logger.getLogger(VpcdClient.class.getName());
  private static final List<java.util.logging.LogRecord> SEVERE =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  private static final java.util.logging.Handler CAPTURE = new java.util.logging.Handler() {
    @Override
    public void publish(java.util.logging.LogRecord r) {
      if (r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
        SEVERE.add(r);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeAll
  static void start() throws Exception {
    JUL.setUseParentHandlers(false);
    JUL.addHandler(CAPTURE);
    dir = Files.createTempDirectory("vpcd-fuzz");
    card = CardOs.open(dir, CardEnvironment.system());
    // Initialized (PIN 648219, 3 tries, SO-PIN 3537363231383830) so that state can change.
    byte[] init = HEX.parseHex(
        "8050000019" + "80020001" + "8106363438323139" + "82083537363231383830" + "910103");
    assertThat(HEX.formatHex(card.process(SELECT))).endsWith("9000");
    assertThat(HEX.formatHex(card.process(init))).isEqualTo("9000");
    server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    server.setSoTimeout(10_000);
    client = new VpcdClient(VirtualCard.of(card),
        VpcdClient.Config.loopback(server.getLocalPort())
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
            .withMaxCommandLength(LIMIT));
    clientThread = client.start();
  }

  @AfterAll
  static void stop() throws Exception {
    client.stop();
    assertThat(client.awaitTermination(Duration.ofSeconds(5))).isTrue();
    server.close();
    card.close();
    JUL.removeHandler(CAPTURE);
    JUL.setUseParentHandlers(true);
    System.out.println("[hsmkit-summary] vpcd bridge: hostile sessions survived = " + sessions
        + " (" + bytesSent + " bytes, " + client.connectionCount() + " reconnections)");
  }

  /** One piece of a hostile session. */
  record Piece(int kind, byte[] bytes, int length) {}

  @Test
  void hostileSession_clientReconnects_andCardStaysConsistent() {
    Property.forAll(Property.tries(500), gen -> hostileSession(session(gen)));
  }

  private static void hostileSession(List<Piece> session) throws Exception {
    try (Socket s = server.accept()) {
      s.setSoTimeout(2_000);
      s.setTcpNoDelay(true);
      var out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (Piece p : session) {
        out.write(encode(p));
        bytesSent += p.bytes().length + 2;
        drain(in);
      }
      out.flush();
      drain(in);
    } // abrupt close: whatever is half-sent stays half-sent
    sessions++;

    // The client comes back by itself and serves the card normally.
    try (Socket s = server.accept()) {
      s.setSoTimeout(5_000);
      var out = s.getOutputStream();
      var in = new java.io.DataInputStream(s.getInputStream());
      out.write(frame(SELECT));
      out.flush();
      byte[] r = new byte[in.readUnsignedShort()];
      in.readFully(r);
      assertThat(HEX.formatHex(r)).endsWith("9000");
      // An oversized command on a clean connection: refused, framing intact.
      byte[] big = new byte[LIMIT + 1 + (int) (sessions % 4000)];
      out.write(frame(big));
      out.flush();
      r = new byte[in.readUnsignedShort()];
      in.readFully(r);
      assertThat(HEX.formatHex(r)).isEqualTo("6700");
    }
    assertThat(clientThread.isAlive()).isTrue();
    assertThat(SEVERE).as("errors logged by the client").extracting(r -> r.getMessage()).isEmpty();
    CardState onDisk = readBack();
    assertThat(onDisk).isEqualTo(card.state());
  }

  /** The state as a fresh process would load it from the directory. */
  private static CardState readBack() throws Exception {
    Path copy = Files.createTempDirectory("vpcd-fuzz-copy");
    try {
      Files.copy(dir.resolve(io.hsmkit.card.state.FileStateStore.STATE_FILE),
          copy.resolve(io.hsmkit.card.state.FileStateStore.STATE_FILE));
      try (CardOs again = CardOs.open(copy, CardEnvironment.system())) {
        return again.state();
      }
    } finally {
      try (var files = Files.walk(copy)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static byte[] encode(Piece p) {
    byte[] b = p.bytes();
    return switch (p.kind()) {
      case 0 -> b; // raw bytes, no framing at all
      case 1 -> frame(new byte[0]); // zero-length frame
      case 2 -> frame(new byte[] {b.length > 0 ? b[0] : 0x7F}); // control byte, known or not
      case 3 -> { // announced length != payload: truncated (the rest follows as "next frame")
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(p.length() >>> 8);
        o.write(p.length());
        o.writeBytes(b);
        yield o.toByteArray();
      }
      case 4 -> frame(new byte[LIMIT + 1 + b.length * 37 % (0xFFFF - LIMIT)]); // oversized
      case 5 -> frame(SELECT); // a valid command between the garbage
      default -> frame(b); // a random "APDU"
    };
  }

  private static byte[] frame(byte[] payload) {
    byte[] f = new byte[payload.length + 2];
    f[0] = (byte) (payload.length >>> 8);
    f[1] = (byte) payload.length;
    System.arraycopy(payload, 0, f, 2, payload.length);
    return f;
  }

  /** Reads what the client answered so far, without waiting long. */
  private static void drain(InputStream in) throws IOException {
    try {
      while (in.available() > 0) {
        if (in.read(new byte[4096]) < 0) {
          return;
        }
      }
    } catch (SocketTimeoutException ignored) {
      // nothing more
    }
  }

  /** One to twelve pieces of any kind. */
  private static List<Piece> session(Gen gen) {
    int n = gen.between(1, 12);
    List<Piece> pieces = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      pieces.add(new Piece(gen.between(0, 7), gen.bytes(0, 300), gen.between(0, 0xFFFF)));
    }
    return pieces;
  }
}
