package io.hsmkit.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.CommandApdu;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The --verbose APDU trace leaves out secret command data and secret answers, nothing else. */
class TracingTransportTest {
  @Test
  void secretDataAndAnswers_leftOut_othersShown() throws Exception {
    List<String> lines = new ArrayList<>();
    byte[] answer = {0x11, 0x22, 0x33, (byte) 0x90, 0x00};
    TracingTransport t = new TracingTransport(c -> answer, lines::add);
    byte[] pin = {'9', '8', '7', '6', '5', '4'};
    t.transmit(new CommandApdu(0x00, 0x20, 0x00, 0x81, pin, -1).toBytes()); // VERIFY
    t.transmit(new CommandApdu(0x80, 0x62, 0x01, 0x99, new byte[] {0x44}, 256).toBytes()); // DECIPHER
    t.transmit(new CommandApdu(0x80, 0x72, 0x01, 0x92, new byte[0], 256).toBytes()); // WRAP
    t.transmit(new CommandApdu(0x80, 0x68, 0x01, 0x70, new byte[] {0x55}, 256).toBytes()); // SIGN
    assertThat(lines.get(0)).isEqualTo("> 00 20 00 81 Lc=6 [data left out]");
    assertThat(lines.get(3)).isEqualTo("< 9000 3 bytes [data left out]");
    assertThat(lines.get(5)).isEqualTo("< 9000 3 bytes [data left out]");
    assertThat(lines.get(6)).isEqualTo("> 80 68 01 70 Lc=1 55 Le=256");
    assertThat(lines.get(7)).isEqualTo("< 9000 3 bytes 11 22 33");
    assertThat(String.join("\n", lines)).doesNotContain("39 38 37").doesNotContain("987654");
  }

  @Test
  void aesPlaintextAndDerivationOffset_leftOut() throws Exception {
    List<String> lines = new ArrayList<>();
    TracingTransport t = new TracingTransport(c -> new byte[] {0x66, (byte) 0x90, 0x00}, lines::add);
    t.transmit(new CommandApdu(0x80, 0x78, 0x07, 0x10, new byte[] {0x77}, 256).toBytes()); // CIPHER
    t.transmit(new CommandApdu(0x80, 0x76, 0x01, 0x02, new byte[] {(byte) 0x98, 0x77}, -1).toBytes());
    assertThat(lines).containsExactly(
        "> 80 78 07 10 Lc=1 [data left out] Le=256", "< 9000 1 bytes [data left out]",
        "> 80 76 01 02 Lc=2 [data left out]", "< 9000 1 bytes 66");
  }
}
