package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EcdsaSignaturesTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void paddedDer_becomesMinimal_andPlain() throws Exception {
    // r = 0x00..01 padded to 32 bytes, s = 0x80.. with a leading 00 (as the card encodes them)
    String r = "00".repeat(31) + "01";
    String s = "80" + "11".repeat(31);
    byte[] padded = HEX.parseHex("3045" + "0220" + r + "0221" + "00" + s);
    assertThat(HEX.formatHex(EcdsaSignatures.toMinimalDer(padded)))
        .isEqualTo("3026" + "020101" + "022100" + s);
    assertThat(HEX.formatHex(EcdsaSignatures.toPlain(padded, 32))).isEqualTo(r + s);
  }

  @Test
  void minimalDer_staysAsIs_andPlainPadsTheShortValue() throws Exception {
    // what the card answers now: r one byte long, s with its sign byte
    String s = "80" + "11".repeat(31);
    byte[] minimal = HEX.parseHex("3026" + "020101" + "022100" + s);
    assertThat(EcdsaSignatures.toMinimalDer(minimal)).isEqualTo(minimal);
    assertThat(HEX.formatHex(EcdsaSignatures.toPlain(minimal, 32)))
        .isEqualTo("00".repeat(31) + "01" + s);
  }
}
