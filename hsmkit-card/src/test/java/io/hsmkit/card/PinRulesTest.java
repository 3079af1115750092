package io.hsmkit.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.StatusWord;
import org.junit.jupiter.api.Test;

class PinRulesTest {

  @Test
  void verify_beforeInitialize_answers6A88() {
    TestCard t = TestCard.inMemory();
    assertThat(t.verify("123456").value()).isEqualTo(0x6A88);
    assertThat(t.sw("00200081").value()).isEqualTo(0x6A88);
    assertThat(t.sw("00200088").value()).isEqualTo(0x6A88);
  }

  @Test
  void verify_statusQueries_reportTriesLeft() {
    TestCard t = TestCard.inMemory().initialized();
    assertThat(t.sw("00200081").value()).isEqualTo(0x63C3);
    assertThat(t.sw("00200088").value()).isEqualTo(0x63CF);
    t.loggedIn();
    assertThat(t.sw("00200081").value()).isEqualTo(0x9000);
  }

  @Test
  void verify_pinPadProbes_answer6A88() {
    TestCard t = TestCard.inMemory().initialized();
    assertThat(t.sw("00200085").value()).isEqualTo(0x6A88);
    assertThat(t.sw("00200086").value()).isEqualTo(0x6A88);
  }

  @Test
  void verify_wrongPin_decrementsRetryCounterUntilBlocked() {
    TestCard t = TestCard.inMemory().initialized();
    assertThat(t.verify("000000").value()).isEqualTo(0x63C2);
    assertThat(t.card.state().userTriesLeft()).isEqualTo(2);
    assertThat(t.verify("000000").value()).isEqualTo(0x63C1);
    // the wrong PIN that uses up the last try says so at once (6983), as the real card
    assertThat(t.verify("000000")).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    assertThat(t.card.state().userTriesLeft()).isZero();
    assertThat(t.verify(TestCard.USER_PIN)).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    assertThat(t.sw("00200081")).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
  }

  @Test
  void verify_oneTryLeft_wrongPinAnswers6983_rightPinStillWorksBeforeIt() {
    TestCard t = TestCard.inMemory();
    assertThat(t.initialize(TestCard.SO_PIN_HEX, TestCard.USER_PIN, 1, 1).isSuccess()).isTrue();
    assertThat(t.sw("00200081").value()).isEqualTo(0x63C1);
    assertThat(t.verify(TestCard.USER_PIN).isSuccess()).isTrue();
    assertThat(t.verify("000000")).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    assertThat(t.sw("00200081")).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
  }

  @Test
  void changeReferenceData_wrongOldPinOnLastTry_answers6983() {
    TestCard t = TestCard.inMemory().initialized();
    String wrong = TestCard.ascii("000000") + TestCard.ascii("11223344");
    assertThat(t.sw("00240081" + TestCard.lc(wrong) + wrong).value()).isEqualTo(0x63C2);
    assertThat(t.sw("00240081" + TestCard.lc(wrong) + wrong).value()).isEqualTo(0x63C1);
    assertThat(t.sw("00240081" + TestCard.lc(wrong) + wrong))
        .isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    assertThat(t.verify(TestCard.USER_PIN)).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
  }

  @Test
  void verify_rightPin_restoresRetryCounter() {
    TestCard t = TestCard.inMemory().initialized();
    t.verify("000000");
    t.verify("000000");
    assertThat(t.verify(TestCard.USER_PIN).isSuccess()).isTrue();
    assertThat(t.sw("00200081").isSuccess()).isTrue();
    assertThat(t.card.state().userTriesLeft()).isEqualTo(3);
  }

  @Test
  void verify_wrongPinAfterLogin_logsOut() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    t.verify("000000");
    assertThat(t.sw("00200081").value()).isEqualTo(0x63C2);
  }

  @Test
  void selectApplet_clearsLogin() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    assertThat(t.sw("00A404000BE82B0601040181C31F020100").isSuccess()).isTrue();
    assertThat(t.sw("00200081").value()).isEqualTo(0x63C3);
  }

  @Test
  void powerOff_clearsLogin() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    t.card.powerOff();
    t.card.powerOn();
    assertThat(t.sw("00200081").value()).isEqualTo(0x63C3);
  }

  @Test
  void changeReferenceData_user_splitsAtStoredLength() {
    TestCard t = TestCard.inMemory().initialized();
    String data = TestCard.ascii(TestCard.USER_PIN) + TestCard.ascii("12345678");
    assertThat(t.sw("00240081" + TestCard.lc(data) + data).isSuccess()).isTrue();
    assertThat(t.verify(TestCard.USER_PIN).value()).isEqualTo(0x63C2);
    assertThat(t.verify("12345678").isSuccess()).isTrue();
  }

  @Test
  void changeReferenceData_wrongOldPin_costsATry() {
    TestCard t = TestCard.inMemory().initialized();
    String data = TestCard.ascii("000000") + TestCard.ascii("12345678");
    assertThat(t.sw("00240081" + TestCard.lc(data) + data).value()).isEqualTo(0x63C2);
    assertThat(t.verify(TestCard.USER_PIN).isSuccess()).isTrue();
  }

  @Test
  void changeReferenceData_newPinTooShort_rejectedWithoutCostingATry() {
    TestCard t = TestCard.inMemory().initialized();
    String data = TestCard.ascii(TestCard.USER_PIN) + TestCard.ascii("123");
    assertThat(t.sw("00240081" + TestCard.lc(data) + data)).isEqualTo(StatusWord.WRONG_LENGTH);
    assertThat(t.card.state().userTriesLeft()).isEqualTo(3);
  }

  @Test
  void changeReferenceData_soPin_changesAndCountsTries() {
    TestCard t = TestCard.inMemory().initialized();
    String newSo = "0102030405060708";
    assertThat(t.sw("0024008810" + "1111111111111111" + newSo).value()).isEqualTo(0x63CE);
    assertThat(t.sw("0024008810" + TestCard.SO_PIN_HEX + newSo).isSuccess()).isTrue();
    assertThat(t.sw("00200088").value()).isEqualTo(0x63CF);
    // re-initialize with the new SO-PIN works, with the old one it does not
    assertThat(t.initialize(TestCard.SO_PIN_HEX, "654321", 3, null).value()).isEqualTo(0x63CE);
    assertThat(t.initialize(newSo, "654321", 3, null).isSuccess()).isTrue();
  }

  @Test
  void resetRetryCounter_withSoPin_unblocksAndSetsNewPin() {
    TestCard t = TestCard.inMemory().initialized();
    for (int i = 0; i < 3; i++) {
      t.verify("000000");
    }
    String data = TestCard.SO_PIN_HEX + TestCard.ascii("11223344");
    assertThat(t.sw("002C0081" + TestCard.lc(data) + data).isSuccess()).isTrue();
    assertThat(t.verify("11223344").isSuccess()).isTrue();
    assertThat(t.card.state().userTriesLeft()).isEqualTo(3);
  }

  @Test
  void resetRetryCounter_wrongSoPin_answers63CxAndKeepsUserPinBlocked() {
    TestCard t = TestCard.inMemory().initialized();
    for (int i = 0; i < 3; i++) {
      t.verify("000000");
    }
    String data = "0000000000000000" + TestCard.ascii("11223344");
    assertThat(t.sw("002C0081" + TestCard.lc(data) + data).value()).isEqualTo(0x63CE);
    assertThat(t.sw("00200081")).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
  }

  @Test
  void resetRetryCounter_withoutRrcOption_notAllowed() {
    TestCard t = TestCard.inMemory();
    String data = "81" + "06" + TestCard.ascii("648219") + "8208" + TestCard.SO_PIN_HEX;
    assertThat(t.sw("80500000" + TestCard.lc(data) + data).isSuccess()).isTrue();
    String rrc = TestCard.SO_PIN_HEX + TestCard.ascii("11223344");
    assertThat(t.sw("002C0081" + TestCard.lc(rrc) + rrc).value()).isEqualTo(0x6986);
    assertThat(t.card.state().soTriesLeft()).isEqualTo(15);
  }

  @Test
  void soPin_blocked_canNeverReinitialize() {
    TestCard t = TestCard.inMemory().initialized();
    for (int i = 14; i >= 1; i--) {
      assertThat(t.initialize("0000000000000000", "654321", 3, null))
          .isEqualTo(StatusWord.verifyFailed(i));
    }
    // the 15th wrong SO-PIN blocks it and says so (6983), as for the user PIN
    assertThat(t.initialize("0000000000000000", "654321", 3, null))
        .isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    assertThat(t.card.state().soTriesLeft()).isZero();
    assertThat(t.sw("00200088")).isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    assertThat(t.initialize(TestCard.SO_PIN_HEX, "654321", 3, null))
        .isEqualTo(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    // the user PIN still works: a blocked SO-PIN does not brick the keys
    assertThat(t.verify(TestCard.USER_PIN).isSuccess()).isTrue();
  }

  @Test
  void transportPin_mustBeChangedBeforeUse() {
    TestCard t = TestCard.inMemory();
    String data = "80020003" + "8106" + TestCard.ascii("111111") + "8208" + TestCard.SO_PIN_HEX;
    assertThat(t.sw("80500000" + TestCard.lc(data) + data).isSuccess()).isTrue();
    assertThat(t.sw("00200081")).isEqualTo(StatusWord.REFERENCE_DATA_NOT_USABLE);
    assertThat(t.verify("111111")).isEqualTo(StatusWord.REFERENCE_DATA_NOT_USABLE);
    String change = TestCard.ascii("111111") + TestCard.ascii("222222");
    assertThat(t.sw("00240081" + TestCard.lc(change) + change).isSuccess()).isTrue();
    t.card.powerOff();
    assertThat(t.verify("222222").isSuccess()).isTrue();
  }
}
