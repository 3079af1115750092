package io.hsmkit.apdu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlvWriterTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest(name = "{0} bytes -> length field {1}")
  @CsvSource({
    "0, 00",
    "1, 01",
    "127, 7f",
    "128, 8180",
    "255, 81ff",
    "256, 820100",
    "65535, 82ffff",
    "65536, 83010000"
  })
  void lengths_useTheShortestDefiniteForm(int n, String lengthField) throws Exception {
    byte[] enc = new TlvWriter().add(0x53, new byte[n]).toByteArray();
    assertThat(HEX.formatHex(enc, 0, 1 + lengthField.length() / 2)).isEqualTo("53" + lengthField);
    assertThat(enc).hasSize(1 + lengthField.length() / 2 + n);
    Tlv back = Tlv.parseFirst(enc);
    assertThat(back.tag()).isEqualTo(0x53);
    assertThat(back.length()).isEqualTo(n);
  }

  @ParameterizedTest
  @CsvSource({"0x80, 80", "0x5F29, 5f29", "0x7F4E, 7f4e", "0x5F7F21, 5f7f21"})
  void tags_oneToThreeBytes(String tag, String hex) {
    int t = Integer.decode(tag);
    assertThat(HEX.formatHex(new TlvWriter().addByte(t, 7).toByteArray())).isEqualTo(hex + "0107");
  }

  @Test
  void initializeDevice_asSentBySmartCardHsmSession() {
    // INITIALIZE DEVICE's data for options 0001, PIN 648219, SO-PIN 3537363231383830, 3 retries
    // (the bytes VpcdClientTest and OpenSC send; docs/protocol.md#initialize)
    byte[] enc =
        new TlvWriter()
            .add(Tags.Initialize.OPTIONS, new byte[] {0x00, 0x01})
            .add(Tags.Initialize.USER_PIN, "648219")
            .add(Tags.Initialize.SO_PIN, "57621880")
            .addByte(Tags.Initialize.RETRY_COUNTER, 3)
            .toByteArray();
    assertThat(HEX.formatHex(enc))
        .isEqualTo("80020001" + "8106363438323139" + "82083537363231383830" + "910103");
  }

  @Test
  void nest_emptyAndDeep() throws Exception {
    assertThat(HEX.formatHex(new TlvWriter().nest(0x62, w -> {}).toByteArray())).isEqualTo("6200");
    byte[] deep = new TlvWriter().nest(0x30, a -> a.nest(0x30, b -> b.add(0x04, new byte[200])))
        .toByteArray();
    assertThat(HEX.formatHex(deep, 0, 6)).isEqualTo("3081ce3081cb");
    assertThat(Tlv.parseFirst(deep).children().get(0).children().get(0).length()).isEqualTo(200);
  }

  @Test
  void addTlvAndRaw_appendEncodedBytes() throws Exception {
    Tlv t = new Tlv(0x85, new byte[] {1, 2});
    byte[] enc = new TlvWriter().add(t).raw(HEX.parseHex("5301ff")).toByteArray();
    assertThat(HEX.formatHex(enc)).isEqualTo("85020102" + "5301ff");
    assertThat(Tlv.parseAll(enc)).containsExactly(t, new Tlv(0x53, new byte[] {(byte) 0xFF}));
  }

  @Test
  void empty_writerGivesNoBytes() {
    assertThat(new TlvWriter().toByteArray()).isEmpty();
  }

  @Test
  void ascii_isNotUtf8() {
    // a non-ASCII character becomes '?', never two bytes that would change the length
    assertThat(HEX.formatHex(new TlvWriter().add(0x80, "é").toByteArray())).isEqualTo("80013f");
  }

  @Test
  void toByteArray_isASnapshot() {
    TlvWriter w = new TlvWriter().addByte(0x91, 3);
    byte[] first = w.toByteArray();
    w.addByte(0x92, 1);
    assertThat(HEX.formatHex(first)).isEqualTo("910103");
    assertThat(HEX.formatHex(w.toByteArray())).isEqualTo("910103" + "920101");
  }
}
