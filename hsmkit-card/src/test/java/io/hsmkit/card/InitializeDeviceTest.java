package io.hsmkit.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.apdu.StatusWord;
import org.junit.jupiter.api.Test;

class InitializeDeviceTest {

  @Test
  void initialize_firstTime_setsPinsOptionsAndDkekConfig() {
    TestCard t = TestCard.inMemory();
    assertThat(t.initialize(TestCard.SO_PIN_HEX, TestCard.USER_PIN, 5, 2).isSuccess()).isTrue();
    assertThat(t.card.state().initialized()).isTrue();
    assertThat(t.card.state().userRetryMax()).isEqualTo(5);
    assertThat(t.card.state().dkekShares()).isEqualTo(2);
    assertThat(t.card.state().dkekComplete()).isFalse();
    ResponseApdu fcp = t.send("00A404000BE82B0601040181C31F020100");
    // 62 07 85 05 00 01 type 03 04: options 0001, version 3.4
    assertThat(TestCard.hex(fcp.data())).isEqualTo("6207850500010003" + "04");
  }

  @Test
  void initialize_randomDkek_isCompleteAtOnce() {
    TestCard t = TestCard.inMemory();
    assertThat(t.initialize(TestCard.SO_PIN_HEX, TestCard.USER_PIN, 3, 0).isSuccess()).isTrue();
    assertThat(t.card.state().dkekComplete()).isTrue();
    assertThat(t.card.state().dkekKcv()).hasSize(8)
        .isNotEqualTo(io.hsmkit.card.dkek.Dkek.kcv(new byte[32]));
    assertThat(t.card.state().dkekSealed()).hasSize(32 + 28); // AES-GCM: nonce + tag
  }

  @Test
  void initialize_sessionPinOption_isMaskedInFcp() {
    TestCard t = TestCard.inMemory();
    String data = "80020005" + "8106" + TestCard.ascii("648219") + "8208" + TestCard.SO_PIN_HEX;
    assertThat(t.sw("80500000" + TestCard.lc(data) + data).isSuccess()).isTrue();
    byte[] fcp = t.send("00A404000BE82B0601040181C31F020100").data();
    assertThat(fcp[5] & 0x04).isZero();
    assertThat(fcp[5] & 0x01).isEqualTo(1);
  }

  @Test
  void initialize_again_wipesKeysAndFilesButKeepsIdentity() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    assertThat(t.updateBinary(0xCF01, 0, "4142434445").isSuccess()).isTrue();
    byte[] devAut = t.card.state().file(0x2F02);
    assertThat(t.initialize(TestCard.SO_PIN_HEX, "654321", 3, null).isSuccess()).isTrue();
    assertThat(t.card.state().hasFile(0xCF01)).isFalse();
    assertThat(t.card.state().file(0x2F02)).isEqualTo(devAut);
    assertThat(t.card.state().key(0)).isNotNull();
    assertThat(t.card.state().dkekShares()).isEqualTo(-1);
    // the login ended with the re-initialization
    assertThat(t.sw("00200081").value()).isEqualTo(0x63C3);
  }

  @Test
  void initialize_malformedRequests_changeNothingAndCostNoTry() {
    TestCard t = TestCard.inMemory().initialized();
    var before = t.card.state();
    String[] bad = {
      "8050000003800200", // truncated TLV
      "80500000" + "0A" + "8208" + TestCard.SO_PIN_HEX, // no user PIN
      "80500000" + "0F" + "8105" + TestCard.ascii("12345") + "8208" + TestCard.SO_PIN_HEX,
      "80500000" + "10" + "8106" + TestCard.ascii("123456") + "8206" + "010203040506",
      "80500000" + "13" + "8106" + TestCard.ascii("123456") + "8208" + TestCard.SO_PIN_HEX
          + "910110",
      "80500000" + "14" + "8106" + TestCard.ascii("123456") + "8208" + TestCard.SO_PIN_HEX
          + "93020101",
    };
    for (String apdu : bad) {
      StatusWord sw = t.sw(apdu);
      assertThat(sw.isSuccess()).as(apdu).isFalse();
      assertThat(sw.isVerifyFailed()).as(apdu).isFalse();
    }
    assertThat(t.card.state()).isEqualTo(before);
  }
}
