package io.hsmkit.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.card.state.CardState;
import io.hsmkit.proptest.Gen;
import io.hsmkit.proptest.Property;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated APDUs of every INS/P1/P2/length shape: the card always answers with a status
 * word, never throws, and an error status never changes the state.
 */
class HostileApduProperties {
  private static final AtomicLong CASES = new AtomicLong();
  private final TestCard card = TestCard.inMemory().initialized();

  /** For scripts/long-tests.sh's summary (10,000 cases; {@code -Dhsmkit.tries} raises them). */
  @AfterAll
  static void report() {
    System.out.println("[hsmkit-summary] hostile APDUs: cases fuzzed = " + CASES.get());
  }

  @Test
  void anyApdu_getsAStatusWord_andErrorsChangeNothing() {
    Property.forAll(
        Property.tries(10_000),
        gen -> {
          byte[] apdu = apdu(gen);
          CASES.incrementAndGet();
          CardState before = card.card.state();
          byte[] out = card.card.process(apdu);
          assertThat(out.length).isGreaterThanOrEqualTo(2);
          ResponseApdu r = ResponseApdu.parse(out);
          CardState after = card.card.state();
          if (r.sw().value() == 0x6983 && usedLastTry(before, after)) {
            // the wrong PIN that used up the last try answers 6983, not 63C0 (docs/interop.md)
            return;
          }
          if (!r.sw().isSuccess() && !r.sw().isVerifyFailed()) {
            assertThat(after).isEqualTo(before);
          }
          assertThat(r.sw().value()).isNotEqualTo(0x6F00); // 6F00 would mean a handler bug
        });
  }

  /** Exactly one PIN went from its last try to blocked, found by a 10^6-case run. */
  private static boolean usedLastTry(CardState before, CardState after) {
    boolean user = before.userTriesLeft() == 1 && after.userTriesLeft() == 0;
    boolean so = before.soTriesLeft() == 1 && after.soTriesLeft() == 0;
    return (user && before.soTriesLeft() == after.soTriesLeft())
        || (so && before.userTriesLeft() == after.userTriesLeft());
  }

  /** Raw bytes one time in three, else a well-formed APDU of a shape the card knows. */
  private static byte[] apdu(Gen gen) {
    if (gen.between(0, 2) == 0) {
      return gen.bytes(0, 300);
    }
    int cla = gen.oneOfInts(0x00, 0x80);
    int ins = gen.oneOfInts(0xA4, 0xB1, 0xD7, 0xE4, 0x58, 0x20, 0x24, 0x2C, 0x50, 0x52, 0x46,
        0x68, 0x62, 0x72, 0x74, 0x48, 0x78, 0x84, 0x22, 0x2A, 0x54, 0x82, 0x76);
    int p1 = gen.between(0, 255);
    int p2 = gen.oneOfInts(0x00, 0x81, 0x88, 0x85, 0x92, 0x93, 0x20, 0x70, 0x80, 0x21, 0x03, 0xB0, 0xB2, 0x10, 0x11, 0x18, 0x99, 0xB6, 0xA4, 0xBE, 0xFF);
    byte[] data = gen.bytes(0, 280);
    int ne = gen.oneOfInts(-1, 1, 2, 256, 512, 65536);
    boolean ext = data.length > 255 || ne > 256;
    return new CommandApdu(cla, ins, p1, p2, data, ne, ext).toBytes();
  }
}
