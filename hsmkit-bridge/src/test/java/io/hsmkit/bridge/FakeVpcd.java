package io.hsmkit.bridge;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** The listening side of vpcd, on 127.0.0.1, driven step by step by a test. */
final class FakeVpcd implements AutoCloseable {
  private final ServerSocket server;
  private Socket conn;
  private DataInputStream in;
  private OutputStream out;

  FakeVpcd() throws IOException {
    this(0);
  }

  FakeVpcd(int port) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress("127.0.0.1", port));
    server.setSoTimeout(10_000);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Waits (10 s at most) for the card to connect. */
  FakeVpcd accept() throws IOException {
    conn = server.accept();
    conn.setSoTimeout(5_000);
    conn.setTcpNoDelay(true);
    in = new DataInputStream(conn.getInputStream());
    out = conn.getOutputStream();
    return this;
  }

  void sendRaw(byte... bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void sendFrame(byte... payload) throws IOException {
    byte[] f = new byte[payload.length + 2];
    f[0] = (byte) (payload.length >>> 8);
    f[1] = (byte) payload.length;
    System.arraycopy(payload, 0, f, 2, payload.length);
    sendRaw(f);
  }

  byte[] readFrame() throws IOException {
    int len = in.readUnsignedShort();
    byte[] b = new byte[len];
    in.readFully(b);
    return b;
  }

  void control(int code) throws IOException {
    sendFrame((byte) code);
  }

  byte[] atr() throws IOException {
    control(0x04);
    return readFrame();
  }

  byte[] transmit(byte[] apdu) throws IOException {
    sendFrame(apdu);
    return readFrame();
  }

  /** Asserts that the card sends nothing within {@code quiet}. */
  void expectSilence(Duration quiet) throws IOException {
    conn.setSoTimeout((int) quiet.toMillis());
    try {
      int b = in.read();
      throw new AssertionError(b < 0 ? "connection closed" : "unexpected byte from the card: " + b);
    } catch (SocketTimeoutException expected) {
      // nothing came
    } finally {
      conn.setSoTimeout(5_000);
    }
  }

  /** True if the card closed the connection within 5 s. */
  boolean closedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (EOFException e) {
      return true;
    }
  }

  void dropConnection() throws IOException {
    if (conn != null) {
      conn.close();
    }
  }

  @Override
  public void close() throws IOException {
    dropConnection();
    server.close();
  }
}
