package io.hsmkit.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.card.state.CardState;
import org.junit.jupiter.api.Test;

/**
 * What {@link CardOs#state()} hands out cannot change the card: reads are copies, and a state read
 * earlier is a snapshot that later commands do not change under the reader.
 */
class CommittedStateTest {

  @Test
  void mutatingWhatStateReadsReturn_leavesTheCardUnaffected() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    assertThat(t.updateBinary(0xCF01, 0, "414243").isSuccess()).isTrue();
    CardState s = t.card.state();

    s.file(0xCF01)[0] = 0;
    s.files().get(0xCF01)[1] = 0;
    s.file(0x2F02)[0] = 0;

    ResponseApdu r = t.send("00B1CF0104" + "54020000" + "00");
    assertThat(TestCard.hex(r.data())).isEqualTo("414243");
    assertThat(t.card.state().file(0xCF01)).containsExactly(0x41, 0x42, 0x43);
    assertThat(t.card.state().file(0x2F02)[0]).isEqualTo((byte) 0x7F);
  }

  @Test
  void aStateReadEarlier_isASnapshot_laterCommandsCommitANewOne() {
    TestCard t = TestCard.inMemory().initialized();
    CardState before = t.card.state();

    assertThat(t.verify("000000").value()).isEqualTo(0x63C2);

    assertThat(before.userTriesLeft()).isEqualTo(3);
    assertThat(t.card.state().userTriesLeft()).isEqualTo(2);
    assertThat(t.card.state()).isNotSameAs(before);
  }
}
