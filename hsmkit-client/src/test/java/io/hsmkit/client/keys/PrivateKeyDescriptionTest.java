package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PrivateKeyDescriptionTest {
  static final HexFormat HEX = HexFormat.of();

  /** The PrKD inside the real Nitrokey HSM 2 backup file (docs/protocol.md#files and docs/protocol.md#test-vectors). */
  static final String REAL_EC_PRKD =
      "a03f30110c086274632d74657374030206c0040101301e04144d8b45c6b9e00aee9c677b595e7b7b72572035ed"
          + "0303073080020101a10a30083002040002020100";

  @Test
  void encode_ecKey_isByteIdenticalToWhatOpenScWroteOnARealDevice() throws Exception {
    byte[] real = HEX.parseHex(REAL_EC_PRKD);
    PrivateKeyDescription d = PrivateKeyDescription.decode(real);
    assertThat(d.ec()).isTrue();
    assertThat(d.label()).isEqualTo("btc-test");
    assertThat(d.keyReference()).isEqualTo(1);
    assertThat(d.sizeBits()).isEqualTo(256);
    assertThat(HEX.formatHex(d.id())).isEqualTo("4d8b45c6b9e00aee9c677b595e7b7b72572035ed");
    assertThat(d.encode()).isEqualTo(real);
    assertThat(d.usage()).containsExactly("sign", "signRecover", "derive");
  }

  @Test
  void rsa_roundTrips_withOpenScUsage() throws Exception {
    PrivateKeyDescription d =
        new PrivateKeyDescription(false, "NKHSM2 RSA Key", new byte[] {0x10}, 3, 2048);
    byte[] enc = d.encode();
    assertThat(enc[0]).isEqualTo((byte) 0x30);
    assertThat(PrivateKeyDescription.decode(enc)).isEqualTo(d);
    assertThat(d.usage()).containsExactly("decrypt", "sign", "signRecover", "unwrap");
  }

  @Test
  void decode_withoutLabel_givesAnEmptyLabel_notTheFlags() throws Exception {
    PrivateKeyDescription d = new PrivateKeyDescription(true, "", new byte[] {0x0A}, 3, 384);
    assertThat(PrivateKeyDescription.decode(d.encode()).label()).isEmpty();
    assertThat(PrivateKeyDescription.decode(d.encode())).isEqualTo(d);
  }

  /**
   * A PrKD torn by a client killed mid-write (found by KillSoakIT: empty after OpenSC created the
   * file) reads as "unreadable", never as a NullPointerException that aborts listing every key.
   */
  @Test
  void decode_everyTruncationOfARealPrkd_isAnIoExceptionOrAValue() {
    byte[] real = HEX.parseHex(REAL_EC_PRKD);
    for (int n = 0; n < real.length; n++) {
      byte[] torn = java.util.Arrays.copyOf(real, n);
      try {
        PrivateKeyDescription.decode(torn);
      } catch (java.io.IOException expected) {
        // what KeyManager.describe turns into a nameless key
      }
    }
  }
}
