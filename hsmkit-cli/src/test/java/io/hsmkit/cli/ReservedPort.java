package io.hsmkit.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback port that refuses connections and that no other process can take: a socket bound to
 * port 0 but not listening (Linux answers a connect to it with RST). {@link #listen()} opens a
 * server on the same port while the reservation still holds it, so there is no window in which
 * the port is free, unlike closing a probe socket and binding again.
 */
final class ReservedPort implements AutoCloseable {
  private final Socket holder = new Socket();

  ReservedPort() throws IOException {
    holder.setReuseAddress(true);
    holder.bind(new InetSocketAddress("127.0.0.1", 0));
  }

  int port() {
    return holder.getLocalPort();
  }

  /** A listening server on this port; the reservation is released once it listens. */
  ServerSocket listen() throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress("127.0.0.1", port()));
    holder.close();
    return server;
  }

  @Override
  public void close() throws IOException {
    holder.close();
  }
}
