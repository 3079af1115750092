package io.hsmkit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.apdu.ApduTransport;
import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.seal.KdfParams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session against the real card in-JVM (the card is only a test dependency). */
class SmartCardHsmSessionTest {
  static final byte[] SO = HexFormat.of().parseHex("3537363231383830");
  static final byte[] PIN = "648219".getBytes(StandardCharsets.US_ASCII);

  CardOs card;
  SmartCardHsmSession session;

  @BeforeEach
  void setUp() {
    // the cheapest Argon2 cost: the SO-PIN test spends all 15 tries
    card = CardOs.inMemory(CardEnvironment.system().withKdf(KdfParams.CHEAP));
    ApduTransport transport = card::process;
    session = new SmartCardHsmSession(transport);
  }

  void init(Integer shares) throws Exception {
    session.initialize(new InitializeRequest(SO, PIN, 0x0001, 3, shares));
  }

  @Test
  void select_reportsVersionAndOptions() throws Exception {
    assertThat(session.select().version()).isEqualTo("3.4");
    init(1);
    AppletInfo info = session.select();
    assertThat(info.userPinResetEnabled()).isTrue();
  }

  @Test
  void pinStatus_followsTheCard() throws Exception {
    assertThat(session.pinStatus(PinReference.USER).state())
        .isEqualTo(PinStatus.State.NOT_INITIALIZED);
    init(null);
    assertThat(session.pinStatus(PinReference.SO)).isEqualTo(
        new PinStatus(PinStatus.State.NOT_VERIFIED, 15));
    session.verifyPin(PIN);
    assertThat(session.pinStatus(PinReference.USER).state()).isEqualTo(PinStatus.State.VERIFIED);
  }

  @Test
  void verifyPin_wrong_throwsWithTriesLeft_thenBlocked() throws Exception {
    init(null);
    byte[] wrong = "000000".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> session.verifyPin(wrong))
        .isInstanceOfSatisfying(
            PinVerificationException.class, e -> assertThat(e.triesLeft()).isEqualTo(2))
        .hasMessage("wrong user PIN, 2 tries left");
    assertThatThrownBy(() -> session.verifyPin(wrong)).hasMessage("wrong user PIN, 1 try left");
    assertThatThrownBy(() -> session.verifyPin(wrong))
        .isInstanceOfSatisfying(
            PinBlockedException.class, e -> assertThat(e.blockedByThisAttempt()).isTrue())
        .hasMessageStartingWith("wrong user PIN, no tries left: the user PIN is now blocked");
    assertThatThrownBy(() -> session.verifyPin(PIN))
        .isInstanceOfSatisfying(
            PinBlockedException.class, e -> assertThat(e.blockedByThisAttempt()).isFalse())
        .hasMessageStartingWith("user PIN is blocked; unblock it with the SO-PIN");
    session.resetRetryCounter(SO, null);
    session.verifyPin(PIN);
  }

  @Test
  void verifyPin_whenAlreadyBlocked_doesNotSendThePin() throws Exception {
    init(null);
    byte[] wrong = "000000".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> session.verifyPin(wrong)).isInstanceOf(HsmException.class);
    }
    List<byte[]> sent = new ArrayList<>();
    SmartCardHsmSession watched =
        new SmartCardHsmSession(
            apdu -> {
              sent.add(apdu);
              return card.process(apdu);
            });
    assertThatThrownBy(() -> watched.verifyPin(PIN)).isInstanceOf(PinBlockedException.class);
    assertThat(sent).singleElement().satisfies(
        apdu -> assertThat(HexFormat.of().formatHex(apdu)).isEqualTo("00200081"));
  }

  @Test
  void changeSoPin_fifteenthWrongSoPin_saysNowBlocked() throws Exception {
    init(null);
    byte[] wrong = new byte[8];
    for (int i = 14; i >= 1; i--) {
      int left = i;
      assertThatThrownBy(() -> session.changeSoPin(wrong, SO))
          .isInstanceOfSatisfying(
              PinVerificationException.class, e -> assertThat(e.triesLeft()).isEqualTo(left));
    }
    assertThatThrownBy(() -> session.changeSoPin(wrong, SO))
        .isInstanceOf(PinBlockedException.class)
        .hasMessage("wrong SO-PIN, no tries left: the SO-PIN is now blocked");
    assertThatThrownBy(() -> session.resetRetryCounter(SO, null))
        .isInstanceOf(PinBlockedException.class)
        .hasMessage("SO-PIN is blocked");
  }

  @Test
  void dkekStatus_emptyWithoutDkek_sharesCountedWithOne() throws Exception {
    init(null);
    assertThat(session.dkekStatus()).isEmpty();
    init(2);
    DkekStatus s = session.dkekStatus().orElseThrow();
    assertThat(s.totalShares()).isEqualTo(2);
    assertThat(s.outstanding()).isEqualTo(2);
  }

  @Test
  void writeAndReadFile_largerThanOneChunk_roundTrips() throws Exception {
    init(null);
    session.verifyPin(PIN);
    byte[] content = new byte[3000];
    new java.util.Random(1).nextBytes(content);
    session.writeFile(0xCF05, content);
    assertThat(session.readFile(0xCF05)).hasValue(content);
    assertThat(session.enumerate()).contains(0xCC00, 0xCF05);
    assertThat(session.deleteFile(0xCF05)).isTrue();
    assertThat(session.readFile(0xCF05)).isEmpty();
    assertThat(session.deleteFile(0xCF05)).isFalse();
  }

  @Test
  void writeFile_withoutLogin_saysSo() throws Exception {
    init(null);
    assertThatThrownBy(() -> session.writeFile(0xCF05, new byte[] {1}))
        .hasMessageContaining("not verified");
  }

  @Test
  void changePinAndSoPin_work() throws Exception {
    init(null);
    byte[] newPin = "1234567".getBytes(StandardCharsets.US_ASCII);
    session.changePin(PIN, newPin);
    session.select();
    session.verifyPin(newPin);
    byte[] newSo = HexFormat.of().parseHex("0011223344556677");
    session.changeSoPin(SO, newSo);
    assertThatThrownBy(() -> session.changeSoPin(SO, newSo))
        .isInstanceOf(PinVerificationException.class)
        .hasMessage("wrong SO-PIN, 14 tries left");
  }
}
