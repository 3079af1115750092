package io.hsmkit.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusWordTest {

  @Test
  void of_combinesSignedBytes() {
    assertThat(StatusWord.of((byte) 0x90, (byte) 0x00)).isEqualTo(StatusWord.NO_ERROR);
    assertThat(StatusWord.of((byte) 0x6A, (byte) 0x82).value()).isEqualTo(0x6A82);
    assertThat(StatusWord.of(0x1FF, 0x1FF).value()).isEqualTo(0xFFFF); // only the low bytes count
  }

  @Test
  void sw1Sw2_splitTheValue() {
    StatusWord sw = new StatusWord(0x63C2);
    assertThat(sw.sw1()).isEqualTo(0x63);
    assertThat(sw.sw2()).isEqualTo(0xC2);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0x10000, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void outOfRange_rejected(int value) {
    assertThatThrownBy(() -> new StatusWord(value)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bounds_accepted() {
    assertThat(new StatusWord(0).toString()).isEqualTo("0000");
    assertThat(new StatusWord(0xFFFF).toString()).isEqualTo("FFFF");
  }

  @Test
  void onlyExactly9000_isSuccess() {
    assertThat(StatusWord.NO_ERROR.isSuccess()).isTrue();
    // 61xx (more data with GET RESPONSE) and 62xx/63xx warnings are not success for this card:
    // it never answers 61xx (docs/protocol.md#apdu-encoding), so a caller must not treat it as done
    assertThat(new StatusWord(0x6110).isSuccess()).isFalse();
    assertThat(new StatusWord(0x9001).isSuccess()).isFalse();
    assertThat(StatusWord.END_OF_FILE_REACHED.isSuccess()).isFalse();
  }

  @Test
  void verifyFailed_63Cx() {
    for (int n = 0; n <= 15; n++) {
      StatusWord sw = StatusWord.verifyFailed(n);
      assertThat(sw.value()).isEqualTo(0x63C0 + n);
      assertThat(sw.isVerifyFailed()).isTrue();
      assertThat(sw.retriesLeft()).isEqualTo(n);
    }
    assertThatThrownBy(() -> StatusWord.verifyFailed(16))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StatusWord.verifyFailed(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x6110, 0x6100, 0x6C10, 0x6C00, 0x63B0, 0x6300, 0x6983, 0x9000, 0x53C1})
  void notVerifyFailed_noRetries(int value) {
    StatusWord sw = new StatusWord(value);
    assertThat(sw.isVerifyFailed()).isFalse();
    assertThatThrownBy(sw::retriesLeft).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void moreDataAndWrongLe_keepTheirSecondByte() {
    StatusWord more = StatusWord.of(0x61, 0x00); // 61 00: 256 or more bytes available
    assertThat(more.sw1()).isEqualTo(0x61);
    assertThat(more.sw2()).isZero();
    StatusWord wrongLe = StatusWord.of(0x6C, 0x20); // 6C 20: resend with Le = 0x20
    assertThat(wrongLe.sw2()).isEqualTo(0x20);
    assertThat(wrongLe).hasToString("6C20");
  }

  @Test
  void equalsAndHashCode_byValue() {
    assertThat(new StatusWord(0x6A82)).isEqualTo(StatusWord.FILE_NOT_FOUND);
    assertThat(new StatusWord(0x6A82)).hasSameHashCodeAs(StatusWord.FILE_NOT_FOUND);
    assertThat(new StatusWord(0x6A82)).isNotEqualTo(StatusWord.WRONG_DATA);
    assertThat(StatusWord.NO_ERROR).isNotEqualTo("9000");
  }

  @Test
  void toString_isFourUpperCaseHexDigits() {
    assertThat(StatusWord.WRONG_DATA).hasToString("6A80");
    assertThat(new StatusWord(0x0102)).hasToString("0102");
  }
}
