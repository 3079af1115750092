package io.hsmkit.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ResponseApduTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void parse_statusWordOnly() {
    ResponseApdu r = ResponseApdu.parse(HEX.parseHex("6A82"));
    assertThat(r.data()).isEmpty();
    assertThat(r.sw()).isEqualTo(StatusWord.FILE_NOT_FOUND);
  }

  @Test
  void parse_dataThenStatusWord() {
    ResponseApdu r = ResponseApdu.parse(HEX.parseHex("620785050001000304" + "9000"));
    assertThat(HEX.formatHex(r.data())).isEqualTo("620785050001000304");
    assertThat(r.sw().isSuccess()).isTrue();
  }

  @Test
  void parse_61xxAnd6Cxx_keptAsTheyCame() {
    // the card never sends these (docs/protocol.md#apdu-encoding); a reader's answer is not altered
    assertThat(ResponseApdu.parse(HEX.parseHex("6110")).sw().value()).isEqualTo(0x6110);
    ResponseApdu wrongLe = ResponseApdu.parse(HEX.parseHex("6C08"));
    assertThat(wrongLe.sw().sw2()).isEqualTo(8);
    assertThat(wrongLe.data()).isEmpty();
  }

  @Test
  void parse_tooShort_rejected() {
    assertThatThrownBy(() -> ResponseApdu.parse(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ResponseApdu.parse(new byte[] {(byte) 0x90}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_extendedLength_answer() {
    byte[] bytes = new byte[65536 + 2];
    bytes[0] = 0x30;
    bytes[65536] = (byte) 0x90;
    ResponseApdu r = ResponseApdu.parse(bytes);
    assertThat(r.data()).hasSize(65536);
    assertThat(r.sw()).isEqualTo(StatusWord.NO_ERROR);
    assertThat(r.toBytes()).isEqualTo(bytes);
  }

  @Test
  void toBytes_roundTrips() {
    for (String hex : new String[] {"9000", "63c2", "01029000", "04" + "00".repeat(300) + "6282"}) {
      assertThat(HEX.formatHex(ResponseApdu.parse(HEX.parseHex(hex)).toBytes())).isEqualTo(hex);
    }
    assertThat(HEX.formatHex(new ResponseApdu(StatusWord.WRONG_LENGTH).toBytes()))
        .isEqualTo("6700");
  }

  @Test
  void data_isCopiedInAndOut() {
    byte[] data = {1, 2, 3};
    ResponseApdu r = new ResponseApdu(data, StatusWord.NO_ERROR);
    data[0] = 9;
    assertThat(r.data()).containsExactly(1, 2, 3);
    r.data()[1] = 9;
    assertThat(r.data()).containsExactly(1, 2, 3);
    byte[] wire = HEX.parseHex("AA9000");
    ResponseApdu p = ResponseApdu.parse(wire);
    wire[0] = 0;
    assertThat(p.data()).containsExactly(0xAA);
  }

  @Test
  void toString_showsLengthAndSw_notTheData() {
    // answers may carry secrets (GET CHALLENGE output, a wrapped key): only the length is shown
    assertThat(new ResponseApdu(HEX.parseHex("DEADBEEF"), StatusWord.NO_ERROR))
        .hasToString("4 bytes, SW 9000");
  }
}
