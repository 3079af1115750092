package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The A8 secret key description, against the bytes of CardContact's module (docs/protocol.md#secret-key-description). */
class SecretKeyDescriptionTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void encode_isTheModulesLayout_byteForByte() {
    SecretKeyDescription d = new SecretKeyDescription(
        "k", new byte[] {0x02}, SecretKeyDescription.DEFAULT_USAGE, 256);
    // A8 { 30{0C "k"} 30{04 02, 03 03 06 E0 00} A0{30{02 0100}} A1{30{30{04 00}}} }
    assertThat(HEX.formatHex(d.encode())).isEqualTo(
        "a81f" + "3003" + "0c016b" + "3008" + "040102" + "030306e000"
            + "a006" + "3004" + "02020100" + "a106" + "3004" + "3002" + "0400");
  }

  @Test
  void decode_readsTheModulesExampleKeyDescription() throws IOException {
    // key-generator.c's skd_dskkey (sc-hsm-embedded): label DiskEncryptionKey, id 01, 128 bits
    byte[] skd = HEX.parseHex("a82f30130c114469736b456e6372797074696f6e4b6579"
        + "3008040101030307c010a006300402020080a106300430020400");
    SecretKeyDescription d = SecretKeyDescription.decode(skd);
    assertThat(d.label()).isEqualTo("DiskEncryptionKey");
    assertThat(d.id()).containsExactly(1);
    assertThat(d.keyLengthBits()).isEqualTo(128);
    assertThat(d.usage() & (SecretKeyDescription.ENCRYPT | SecretKeyDescription.DECRYPT))
        .isEqualTo(SecretKeyDescription.ENCRYPT | SecretKeyDescription.DECRYPT);
  }

  @Test
  void decode_roundTrip_withoutLabel_andTheModulesShortForm() throws IOException {
    SecretKeyDescription d = new SecretKeyDescription("", new byte[] {1, 2, 3},
        SecretKeyDescription.ENCRYPT | SecretKeyDescription.DERIVE, 192);
    assertThat(SecretKeyDescription.decode(d.encode())).isEqualTo(d);
    assertThat(d.usageNames()).containsExactly("encrypt", "derive");
    // the module's own encoder (encodeSecretKeyDescription) writes no [1] path
    SecretKeyDescription m = SecretKeyDescription.decode(
        HEX.parseHex("a814" + "3000" + "300804010703030680" + "00" + "a006300402020080"));
    assertThat(m.id()).containsExactly(7);
    assertThat(m.label()).isEmpty();
    assertThat(m.keyLengthBits()).isEqualTo(128);
    assertThat(m.usageNames()).containsExactly("encrypt");
  }

  @Test
  void decode_refusesAPrivateKeyDescription() {
    byte[] prkd = new PrivateKeyDescription(true, "x", new byte[] {1}, 1, 256).encode();
    assertThat(SecretKeyDescription.isSecretKeyDescription(prkd)).isFalse();
    assertThatThrownBy(() -> SecretKeyDescription.decode(prkd)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> SecretKeyDescription.decode(HEX.parseHex("a803300100")))
        .isInstanceOf(IOException.class);
  }
}
