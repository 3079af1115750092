package io.hsmkit.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The vpcd side of the wire for tests that run {@code hsmkit serve} as a child process: vpcd's
 * frames (two-byte big-endian length, then the APDU or control byte) and the child's command line.
 */
final class VpcdPeer {
  private VpcdPeer() {}

  /** {@code java -cp <test class path> io.hsmkit.cli.Main args...}, stdout discarded. */
  static ProcessBuilder hsmkit(List<String> args, Path stderr) {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, "io.hsmkit.cli.Main"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(stderr.toFile());
    return pb;
  }

  static void send(OutputStream out, byte[] payload) throws IOException {
    byte[] f = new byte[payload.length + 2];
    f[0] = (byte) (payload.length >>> 8);
    f[1] = (byte) payload.length;
    System.arraycopy(payload, 0, f, 2, payload.length);
    out.write(f);
    out.flush();
  }

  static byte[] receive(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readUnsignedShort()];
    in.readFully(b);
    return b;
  }
}
