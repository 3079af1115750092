package io.hsmkit.bridge;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jdk.net.ExtendedSocketOptions;

/**
 * Serves a {@link VirtualCard} to vsmartcard's {@code vpcd} reader driver: the card is a TCP client
 * of the driver, which listens on port 35963 for its first slot and 35964 for the second
 * (docs/protocol.md#vpcd, docs/interop.md).
 *
 * <p>Wire protocol, both directions: a 2-byte big-endian length, then that many bytes. Frames of
 * one byte are control messages — {@code 00} power off, {@code 01} power on, {@code 02} reset (none
 * of them answered), {@code 04} get ATR (answered with the ATR). Longer frames are command APDUs,
 * each answered with exactly one frame holding the response APDU. The client never sends a frame
 * of length 0 nor anything unsolicited: vpcd takes either as the card's removal.
 *
 * <p>Robustness: a zero-length frame or an unknown control byte is logged and ignored; a frame
 * longer than {@link Config#maxCommandLength()} is read and discarded and answered with {@code
 * 6700}; a card that fails or answers nothing valid yields {@code 6F00}. When the connection ends
 * (vpcd or pcscd gone, garbage that breaks the framing) the card is powered off, as if removed,
 * and the client reconnects after a backoff that grows from {@link Config#initialBackoff()} to
 * {@link Config#maxBackoff()}; a refused connection (pcscd not up yet) is retried the same way,
 * forever, until {@link #stop()}.
 *
 * <p>Latency: vpcd writes the length and the payload with two {@code send()} calls, so with
 * Nagle's algorithm on its side and delayed ACKs on ours every APDU would wait ~40 ms. The client
 * therefore sets {@code TCP_NODELAY}, sets {@code TCP_QUICKACK} before reading each frame's length
 * (Linux clears it again after use), so that the length is acknowledged at once and vpcd's Nagle
 * releases the payload, and writes each reply frame with one {@code write()}, which carries the
 * payload's acknowledgement. The payload's first read goes without it: a pure ACK there cost ~4 µs
 * per APDU for nothing (BENCHMARKS.md, "Idle and busy"); only a payload that arrives in parts
 * (larger than one segment) gets {@code TCP_QUICKACK} before each further read, so Nagle never
 * holds its tail.
 * Optionally it polls the socket for up to {@link Config#spin()} after each answer before blocking
 * again, yielding the core between polls. That is off by default. Measured (BENCHMARKS.md, "Idle
 * and busy"): on an idle machine a sleeping thread is woken slowly (a KVM guest whose idle vCPUs
 * halt took ~25-30 µs per wake-up on another CPU), and a 200 µs spin made ECDSA through OpenSC
 * 1.2-1.8x faster; but with one busy background loop ECDSA took up to twice as long (the yield
 * can hand the core to that loop); spinning with {@code PAUSE} instead keeps pcscd off the core
 * when it is woken there. A default must not be slower under load, so the spin is for
 * machines that are mostly idle ({@code serve --spin-us 200}). It is bounded per answer, so a card
 * nobody talks to costs no CPU either way.
 *
 * <p>Logging uses {@link System.Logger}: connections at INFO, retries at DEBUG, APDU headers and
 * status words at TRACE. APDU data never appears in a log: it carries PINs and keys.
 */
public final class VpcdClient {
  /** vpcd's port for its first slot; the second slot is {@code DEFAULT_PORT + 1}. */
  public static final int DEFAULT_PORT = 0x8C7B;

  /** The largest payload the 2-byte length can announce. */
  public static final int MAX_FRAME = 0xFFFF;

  private static final System.Logger LOG = System.getLogger(VpcdClient.class.getName());
  private static final byte[] SW_WRONG_LENGTH = {0x67, 0x00};
  private static final byte[] SW_UNKNOWN_ERROR = {0x6F, 0x00};

  /**
   * How to reach vpcd and how to behave.
   *
   * @param address vpcd's address, normally {@code 127.0.0.1:35963}
   * @param initialBackoff the first wait before reconnecting; doubled after each failure
   * @param maxBackoff the longest wait between reconnection attempts
   * @param connectTimeout how long one connection attempt may take
   * @param maxCommandLength the longest command APDU accepted (at most {@link #MAX_FRAME})
   * @param spin how long to poll for the next frame after an answer before blocking (zero: never)
   */
  public record Config(
      InetSocketAddress address,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration connectTimeout,
      int maxCommandLength,
      Duration spin) {

    /** The default {@link #spin()}: none (BENCHMARKS.md, "Idle and busy", measured it on and off). */
    public static final Duration DEFAULT_SPIN = Duration.ZERO;

    /** The longest spin allowed: beyond it a busy wait costs more than any wake-up. */
    public static final Duration MAX_SPIN = Duration.ofMillis(10);

    public Config {
      Objects.requireNonNull(address, "address");
      if (initialBackoff.isNegative()
          || initialBackoff.isZero()
          || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff");
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive");
      }
      if (maxCommandLength < 4 || maxCommandLength > MAX_FRAME) {
        throw new IllegalArgumentException("maxCommandLength out of range: " + maxCommandLength);
      }
      if (spin.isNegative() || spin.compareTo(MAX_SPIN) > 0) {
        throw new IllegalArgumentException("spin must be between 0 and " + MAX_SPIN + ": " + spin);
      }
    }

    /**
     * vpcd on {@code 127.0.0.1:port}, backoff 100 ms to 1 s, every frame size allowed, the
     * default spin.
     */
    public static Config loopback(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      return new Config(
          new InetSocketAddress("127.0.0.1", port),
          Duration.ofMillis(100),
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          MAX_FRAME,
          DEFAULT_SPIN);
    }

    public Config withBackoff(Duration initial, Duration max) {
      return new Config(address, initial, max, connectTimeout, maxCommandLength, spin);
    }

    public Config withMaxCommandLength(int max) {
      return new Config(address, initialBackoff, maxBackoff, connectTimeout, max, spin);
    }

    public Config withSpin(Duration window) {
      return new Config(address, initialBackoff, maxBackoff, connectTimeout, maxCommandLength, window);
    }
  }

  private final VirtualCard card;
  private final Config config;
  private final ApduTimeLog timeLog;
  private final long spinNanos;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicReference<Thread> runner = new AtomicReference<>();
  private final AtomicLong connections = new AtomicLong();
  private volatile Socket socket;
  private volatile boolean connected;
  private volatile boolean stopping;

  public VpcdClient(VirtualCard card, Config config) {
    this(card, config, null);
  }

  /** A client that also records each APDU's times in {@code timeLog} (null: none). */
  public VpcdClient(VirtualCard card, Config config, ApduTimeLog timeLog) {
    this.card = Objects.requireNonNull(card, "card");
    this.config = Objects.requireNonNull(config, "config");
    this.timeLog = timeLog;
    this.spinNanos = config.spin().toNanos();
  }

  public Config config() {
    return config;
  }

  /** True while a connection to vpcd is open. */
  public boolean isConnected() {
    return connected;
  }

  /** How many connections to vpcd have been made so far. */
  public long connectionCount() {
    return connections.get();
  }

  /** Runs {@link #run()} on a new daemon thread and returns at once. */
  public Thread start() {
    Thread t = new Thread(this::run, "vpcd-client-" + config.address().getPort());
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Connects, serves and reconnects until {@link #stop()}; blocks the calling thread. May run only
   * once per client.
   */
  public void run() {
    if (!runner.compareAndSet(null, Thread.currentThread())) {
      throw new IllegalStateException("this client runs already or has run");
    }
    try {
      loop();
    } finally {
      connected = false;
      terminated.countDown();
      LOG.log(Level.DEBUG, "vpcd client for {0} stopped", config.address());
    }
  }

  /**
   * Asks the client to stop: the connection is closed (the card counts as removed and is powered
   * off) and {@link #run()} returns soon after. Safe to call from any thread, also more than once.
   */
  public void stop() {
    stopping = true;
    stopSignal.countDown();
    closeQuietly(socket);
  }

  /**
   * Waits until {@link #run()} has returned after {@link #stop()}; true if it has (or never
   * started).
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (runner.get() == null) {
      return true;
    }
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void loop() {
    long backoff = config.initialBackoff().toMillis();
    boolean quietRetries = false;
    while (!stopping) {
      Socket s = new Socket();
      socket = s;
      try {
        if (stopping) {
          // stop() may have closed the previous socket before this one was published
          closeQuietly(s);
          break;
        }
        s.setTcpNoDelay(true);
        s.connect(config.address(), (int) config.connectTimeout().toMillis());
      } catch (IOException e) {
        closeQuietly(s);
        if (stopping) {
          break;
        }
        LOG.log(
            quietRetries ? Level.DEBUG : Level.INFO,
            "vpcd at {0} not reachable ({1}); retrying every {2} ms at most",
            hostPort(),
            e.getMessage(),
            String.valueOf(config.maxBackoff().toMillis()));
        quietRetries = true;
        pause(backoff);
        backoff = Math.min(backoff * 2, config.maxBackoff().toMillis());
        continue;
      }
      connections.incrementAndGet();
      connected = true;
      quietRetries = false;
      backoff = config.initialBackoff().toMillis();
      LOG.log(Level.INFO, "connected to vpcd {0}", hostPort());
      try {
        serve(s);
      } catch (EOFException e) {
        if (!stopping) {
          LOG.log(Level.INFO, "vpcd {0} closed the connection", hostPort());
        }
      } catch (IOException e) {
        if (!stopping) {
          LOG.log(Level.INFO, "connection to vpcd {0} lost: {1}", hostPort(), e.toString());
        }
      } catch (RuntimeException e) {
        // Not expected (the card answers every APDU); never let it end the process.
        LOG.log(Level.ERROR, "vpcd connection failed unexpectedly; reconnecting", e);
      } finally {
        connected = false;
        closeQuietly(s);
        powerOffQuietly(); // the card was "removed": its login and current EF are gone
      }
      if (!stopping) {
        pause(config.initialBackoff().toMillis());
      }
    }
  }

  private void serve(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    boolean quickAck = supportsQuickAck(s);
    byte[] header = new byte[2];
    while (!stopping) {
      readFully(s, quickAck, in, header, true);
      int length = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
      if (length == 0) {
        LOG.log(Level.WARNING, "ignoring a zero-length frame from vpcd");
        continue;
      }
      if (length > config.maxCommandLength()) {
        skipFully(s, quickAck, in, length);
        LOG.log(
            Level.WARNING,
            "command of {0} bytes exceeds the limit of {1}; answered 6700",
            String.valueOf(length),
            String.valueOf(config.maxCommandLength()));
        send(out, SW_WRONG_LENGTH);
        continue;
      }
      byte[] frame = new byte[length];
      readFully(s, quickAck, in, frame, false);
      if (length == 1) {
        if (control(frame[0] & 0xFF, out)) {
          awaitNextFrame(in);
        }
      } else {
        long read = timeLog == null ? 0 : System.nanoTime();
        byte[] response = answer(frame);
        long answered = timeLog == null ? 0 : System.nanoTime();
        send(out, response);
        if (timeLog != null) {
          timeLog.record(frame[1] & 0xFF, read, answered, System.nanoTime());
        }
        awaitNextFrame(in);
      }
    }
  }

  /**
   * Polls for the next frame for at most the configured spin, so that a command following an answer
   * closely is read without the thread going to sleep; returns early as soon as bytes are there.
   * Each poll yields the core ({@code sched_yield}): on a busy machine pcscd and the client, which
   * must run before the next command can come, are not kept waiting behind the spin.
   */
  private void awaitNextFrame(InputStream in) throws IOException {
    if (spinNanos <= 0) {
      return;
    }
    long start = System.nanoTime();
    while (in.available() == 0 && !stopping) {
      if (System.nanoTime() - start >= spinNanos) {
        return;
      }
      Thread.yield();
    }
  }

  /** Handles a control frame; true if it was answered. */
  private boolean control(int code, OutputStream out) throws IOException {
    switch (code) {
      case 0x00 -> {
        LOG.log(Level.TRACE, "power off");
        card.powerOff();
      }
      case 0x01 -> {
        LOG.log(Level.TRACE, "power on");
        card.powerOn();
      }
      case 0x02 -> {
        LOG.log(Level.TRACE, "reset");
        card.reset();
      }
      case 0x04 -> {
        byte[] atr = card.atr();
        if (atr == null || atr.length == 0 || atr.length > MAX_FRAME) {
          // Unreachable with a real card; a missing answer is still better than a bad frame.
          LOG.log(Level.ERROR, "the card has no valid ATR; not answering");
          return false;
        }
        send(out, atr);
        return true;
      }
      default -> LOG.log(Level.WARNING, "ignoring unknown vpcd control byte {0}", hex2(code));
    }
    return false;
  }

  /** The card's answer to one command APDU, always a frameable one. */
  private byte[] answer(byte[] apdu) {
    byte[] response;
    try {
      response = card.process(apdu);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "the card failed on INS " + hex2(apdu[1] & 0xFF) + "; answered 6F00", e);
      response = SW_UNKNOWN_ERROR;
    }
    if (response == null || response.length < 2 || response.length > MAX_FRAME) {
      LOG.log(
          Level.ERROR,
          "the card gave an unframeable response ({0} bytes) to INS {1}; answered 6F00",
          response == null ? "null" : String.valueOf(response.length),
          hex2(apdu[1] & 0xFF));
      response = SW_UNKNOWN_ERROR;
    }
    if (LOG.isLoggable(Level.TRACE)) {
      LOG.log(
          Level.TRACE,
          "APDU {0} {1} {2} {3} ({4} bytes) -> SW {5}{6} ({7} bytes)",
          hex2(apdu[0] & 0xFF),
          hex2(apdu[1] & 0xFF),
          apdu.length > 2 ? hex2(apdu[2] & 0xFF) : "--",
          apdu.length > 3 ? hex2(apdu[3] & 0xFF) : "--",
          String.valueOf(apdu.length),
          hex2(response[response.length - 2] & 0xFF),
          hex2(response[response.length - 1] & 0xFF),
          String.valueOf(response.length));
    }
    return response;
  }

  /** One frame in one write: vpcd must never see a length without its payload or vice versa. */
  private static void send(OutputStream out, byte[] payload) throws IOException {
    byte[] frame = new byte[payload.length + 2];
    frame[0] = (byte) (payload.length >>> 8);
    frame[1] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, 2, payload.length);
    out.write(frame);
    out.flush();
  }

  /**
   * Reads exactly {@code buf.length} bytes. An end of stream before the first byte of a frame
   * header is a clean close ({@link EOFException}); within a frame it is a torn frame (also EOF).
   */
  private static void readFully(
      Socket s, boolean quickAck, InputStream in, byte[] buf, boolean frameStart)
      throws IOException {
    int off = 0;
    while (off < buf.length) {
      // The length always (vpcd's Nagle waits for its ACK); the payload only when it comes in parts.
      if (quickAck && (frameStart || off > 0)) {
        s.setOption(ExtendedSocketOptions.TCP_QUICKACK, Boolean.TRUE);
      }
      int n = in.read(buf, off, buf.length - off);
      if (n < 0) {
        throw new EOFException(
            frameStart && off == 0
                ? "end of stream"
                : "end of stream inside a frame (" + off + " of " + buf.length + " bytes)");
      }
      off += n;
    }
  }

  private static void skipFully(Socket s, boolean quickAck, InputStream in, int length)
      throws IOException {
    byte[] sink = new byte[Math.min(length, 8192)];
    int left = length;
    while (left > 0) {
      if (quickAck) {
        s.setOption(ExtendedSocketOptions.TCP_QUICKACK, Boolean.TRUE);
      }
      int n = in.read(sink, 0, Math.min(left, sink.length));
      if (n < 0) {
        throw new EOFException("end of stream inside an oversized frame");
      }
      left -= n;
    }
  }

  private static boolean supportsQuickAck(Socket s) {
    SocketOption<Boolean> opt = ExtendedSocketOptions.TCP_QUICKACK;
    boolean supported = s.supportedOptions().contains(opt);
    if (!supported) {
      LOG.log(Level.DEBUG, "TCP_QUICKACK is not supported here; APDUs may be slower");
    }
    return supported;
  }

  private void pause(long millis) {
    try {
      stopSignal.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
    }
  }

  private void powerOffQuietly() {
    try {
      card.powerOff();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "power-off of the card failed", e);
    }
  }

  private String hostPort() {
    return config.address().getHostString() + ":" + config.address().getPort();
  }

  private static String hex2(int b) {
    return String.format("%02X", b);
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing is best effort
      }
    }
  }
}
