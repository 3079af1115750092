package io.hsmkit.cli.device;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.apdu.TlvWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * EF.TokenInfo (2F03) as OpenSC writes it after INITIALIZE with a label: {@code 30 { 02 01 00, 80
 * label, 03 02 05 20 }} (docs/protocol.md#initialize). OpenSC shows the label as the token label.
 */
final class TokenInfo {
  static final int FID = 0x2F03;

  private TokenInfo() {}

  static byte[] encode(String label) {
    return new TlvWriter()
        .nest(
            0x30,
            w ->
                w.add(0x02, new byte[] {0})
                    .add(0x80, label.getBytes(StandardCharsets.UTF_8))
                    .add(0x03, new byte[] {0x05, 0x20}))
        .toByteArray();
  }

  static Optional<String> label(byte[] tokenInfo) {
    try {
      return Tlv.find(Tlv.parseFirst(tokenInfo).children(), 0x80)
          .map(t -> new String(t.value(), StandardCharsets.UTF_8));
    } catch (TlvException e) {
      return Optional.empty();
    }
  }
}
