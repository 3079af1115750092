package io.hsmkit.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import io.hsmkit.proptest.Gen;
import io.hsmkit.proptest.Property;
import org.junit.jupiter.api.Test;

class CommandApduTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void parse_enumerateExtendedCase2_neIs65536() throws Exception {
    CommandApdu c = CommandApdu.parse(HEX.parseHex("80580000000000"));
    assertThat(c.ins()).isEqualTo(0x58);
    assertThat(c.ne()).isEqualTo(65536);
    assertThat(c.isExtended()).isTrue();
    assertThat(c.hasData()).isFalse();
  }

  @Test
  void parse_signExtendedCase4_keepsDataAndLe() throws Exception {
    CommandApdu c = CommandApdu.parse(HEX.parseHex("80680170000003AABBCC0200"));
    assertThat(c.p1()).isEqualTo(1);
    assertThat(c.p2()).isEqualTo(0x70);
    assertThat(c.data()).containsExactly(0xAA, 0xBB, 0xCC);
    assertThat(c.ne()).isEqualTo(512);
  }

  @Test
  void parse_shortCase4_leZeroMeans256() throws Exception {
    CommandApdu c = CommandApdu.parse(HEX.parseHex("00A4040002123400"));
    assertThat(c.data()).containsExactly(0x12, 0x34);
    assertThat(c.ne()).isEqualTo(256);
    assertThat(c.isExtended()).isFalse();
  }

  @Test
  void parse_case1() throws Exception {
    CommandApdu c = CommandApdu.parse(HEX.parseHex("00200081"));
    assertThat(c.ne()).isEqualTo(-1);
    assertThat(c.p2()).isEqualTo(0x81);
  }

  @Test
  void parse_wrongLengths_rejected() {
    assertThatThrownBy(() -> CommandApdu.parse(HEX.parseHex("002000")))
        .isInstanceOf(MalformedApduException.class);
    assertThatThrownBy(() -> CommandApdu.parse(HEX.parseHex("0020008105AABB")))
        .isInstanceOf(MalformedApduException.class);
    assertThatThrownBy(() -> CommandApdu.parse(HEX.parseHex("002000810000")))
        .isInstanceOf(MalformedApduException.class);
    assertThatThrownBy(() -> CommandApdu.parse(HEX.parseHex("00200081000002AA")))
        .isInstanceOf(MalformedApduException.class);
  }

  @Test
  void toString_neverShowsData() {
    CommandApdu verify =
        new CommandApdu(0, 0x20, 0, 0x81, "358138".getBytes(java.nio.charset.StandardCharsets.US_ASCII), -1);
    assertThat(verify.toString()).doesNotContain("358138").doesNotContain("333538313338");
  }

  /** Property cases of this class ({@code -Dhsmkit.tries} raises them). */
  private static final int TRIES = Property.tries(3000);

  @Test
  void encodeThenParse_roundTrips() {
    Property.forAll(
        TRIES,
        gen -> {
          CommandApdu apdu = apdu(gen);
          CommandApdu back = CommandApdu.parse(apdu.toBytes());
          assertThat(back.toBytes()).isEqualTo(apdu.toBytes());
          assertThat(back.ne()).isEqualTo(apdu.ne());
          assertThat(back.data()).isEqualTo(apdu.data());
        });
  }

  @Test
  void parse_randomBytes_neverThrowsUnchecked() {
    Property.forAll(
        TRIES,
        gen -> {
          try {
            CommandApdu.parse(gen.bytes(0, 300));
          } catch (MalformedApduException expected) {
            // fine: a clean, checked rejection
          }
        });
  }

  /** Any CLA 80 APDU, short or extended (extended where the data or Ne need it). */
  private static CommandApdu apdu(Gen gen) {
    int ins = gen.between(0, 255);
    int p1 = gen.between(0, 255);
    byte[] d = gen.bytes(0, 700);
    int n = gen.bool() ? -1 : gen.between(1, 65536);
    boolean mustExt = d.length > 255 || n > 256;
    return new CommandApdu(0x80, ins, p1, 0, d, n, gen.bool() || mustExt);
  }
}
