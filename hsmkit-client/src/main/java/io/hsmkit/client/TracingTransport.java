package io.hsmkit.client;

import io.hsmkit.apdu.ApduTransport;
import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.Ins;
import io.hsmkit.apdu.MalformedApduException;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Hands every APDU, one line each, to a sink (what {@code hsmkit --verbose} shows on stderr), on
 * any token kind, with what must never reach a log left out: the data of the commands that carry PINs, the SO-PIN or a DKEK
 * share (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, INITIALIZE, IMPORT DKEK SHARE), of
 * UNWRAP (a key blob), CIPHER (AES plaintext) and DERIVE EC KEY (the offset that ties two keys
 * together), and the answers of DECIPHER (plaintext, ECDH secrets), WRAP (a key blob) and CIPHER
 * (plaintext after a decryption, derived key bytes).
 * Only their lengths are shown. Long data is cut after {@value #SHOWN} bytes.
 */
public final class TracingTransport implements ApduTransport {
  /** Commands whose data is secret. */
  static final Set<Ins> SECRET_COMMAND_DATA = EnumSet.of(Ins.VERIFY, Ins.CHANGE_REFERENCE_DATA,
      Ins.RESET_RETRY_COUNTER, Ins.INITIALIZE_DEVICE, Ins.IMPORT_DKEK_SHARE, Ins.UNWRAP_KEY,
      Ins.CIPHER, Ins.DERIVE_EC_KEY);
  /** Commands whose response data is secret. */
  static final Set<Ins> SECRET_RESPONSE_DATA = EnumSet.of(Ins.DECIPHER, Ins.WRAP_KEY, Ins.CIPHER);
  static final int SHOWN = 64;
  private final ApduTransport inner;
  private final Consumer<String> sink;

  public TracingTransport(ApduTransport inner, Consumer<String> sink) {
    this.inner = inner;
    this.sink = sink;
  }

  @Override
  public byte[] transmit(byte[] command) throws IOException {
    int ins = command.length > 1 ? command[1] & 0xFF : -1;
    sink.accept("> " + describeCommand(command));
    byte[] response = inner.transmit(command);
    sink.accept("< " + describeResponse(ins, response));
    return response;
  }

  static String describeCommand(byte[] apdu) {
    if (apdu.length < 4) {
      return hex(apdu, apdu.length);
    }
    StringBuilder b = new StringBuilder(hex(Arrays.copyOf(apdu, 4), 4));
    CommandApdu c;
    try {
      c = CommandApdu.parse(apdu);
    } catch (MalformedApduException e) {
      return b.append(" (malformed, ").append(apdu.length).append(" bytes)").toString();
    }
    if (c.hasData()) {
      b.append(" Lc=").append(c.dataLength());
      if (secret(SECRET_COMMAND_DATA, c.ins())) {
        b.append(" [data left out]");
      } else {
        b.append(' ').append(hex(c.data(), SHOWN));
      }
    }
    if (c.ne() >= 0) {
      b.append(" Le=").append(c.ne());
    }
    return b.toString();
  }

  static String describeResponse(int ins, byte[] r) {
    if (r.length < 2) {
      return "(" + r.length + " bytes)";
    }
    StringBuilder b = new StringBuilder(HexFormat.of().withUpperCase()
        .formatHex(r, r.length - 2, r.length));
    int n = r.length - 2;
    if (n > 0) {
      b.append(' ').append(n).append(" bytes");
      if (secret(SECRET_RESPONSE_DATA, ins)) {
        b.append(" [data left out]");
      } else {
        b.append(' ').append(hex(Arrays.copyOf(r, n), SHOWN));
      }
    }
    return b.toString();
  }

  private static boolean secret(Set<Ins> commands, int ins) {
    Optional<Ins> known = Ins.byCode(ins);
    return known.isPresent() && commands.contains(known.get());
  }

  private static String hex(byte[] data, int max) {
    int n = Math.min(data.length, max);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(HexFormat.of().withUpperCase().toHexDigits(data[i]));
    }
    if (data.length > n) {
      b.append(" ...");
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
