package io.hsmkit.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import io.hsmkit.proptest.Property;
import org.junit.jupiter.api.Test;

class TlvTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void parse_multiByteTagsAndLongLengths() throws Exception {
    byte[] value = new byte[300];
    byte[] enc = new TlvWriter().add(0x5F29, new byte[] {0}).add(0x7F49, value).toByteArray();
    assertThat(HEX.formatHex(enc)).startsWith("5f2901007f4982012c");
    List<Tlv> all = Tlv.parseAll(enc);
    assertThat(all).extracting(Tlv::tag).containsExactly(0x5F29, 0x7F49);
    assertThat(all.get(1).length()).isEqualTo(300);
  }

  @Test
  void nest_buildsConstructedElements() throws Exception {
    byte[] enc = new TlvWriter().nest(0x7F21, w -> w.nest(0x7F4E, x -> x.addByte(0x5F29, 0))).toByteArray();
    assertThat(HEX.formatHex(enc)).isEqualTo("7f21077f4e045f290100");
    Tlv outer = Tlv.parseFirst(enc);
    assertThat(outer.isConstructed()).isTrue();
    assertThat(outer.children().get(0).tag()).isEqualTo(0x7F4E);
  }

  @Test
  void parse_truncated_rejected() {
    assertThatThrownBy(() -> Tlv.parseAll(HEX.parseHex("800500")))
        .isInstanceOf(TlvException.class);
    assertThatThrownBy(() -> Tlv.parseAll(HEX.parseHex("5F")))
        .isInstanceOf(TlvException.class);
    assertThatThrownBy(() -> Tlv.parseAll(HEX.parseHex("8084FFFFFFFF")))
        .isInstanceOf(TlvException.class);
  }

  @Test
  void parse_randomBytes_onlyTlvException() {
    Property.forAll(
        Property.tries(3000),
        gen -> {
          try {
            Tlv.parseAll(gen.bytes(0, 300));
          } catch (TlvException expected) {
            // clean rejection
          }
        });
  }
}
