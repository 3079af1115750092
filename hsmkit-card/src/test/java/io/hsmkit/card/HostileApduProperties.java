package io.hsmkit.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.card.state.CardState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random and mutated APDUs of every INS/P1/P2/length shape: the card always answers with a status
 * word, never throws, and an error status never changes the state.
 */
class HostileApduProperties {
  private static final java.util.concurrent.atomic.AtomicLong CASES =
      new java.util.concurrent.atomic.AtomicLong();
  private final TestCard card = TestCard.inMemory().initialized();

  /** For scripts/long-tests.sh's summary (tries: jqwik.tries.default, junit-platform.properties). */
  @AfterContainer
  static void report() {
    System.out.println("[hsmkit-summary] hostile APDUs: cases fuzzed = " + CASES.get());
  }

  @Property
  void anyApdu_getsAStatusWord_andErrorsChangeNothing(@ForAll("apdus") byte[] apdu) {
    CASES.incrementAndGet();
    CardState before = card.card.state().copy();
    byte[] out = card.card.process(apdu);
    assertThat(out.length).isGreaterThanOrEqualTo(2);
    ResponseApdu r = ResponseApdu.parse(out);
    if (!r.sw().isSuccess() && !r.sw().isVerifyFailed()) {
      assertThat(card.card.state()).isEqualTo(before);
    }
    assertThat(r.sw().value()).isNotEqualTo(0x6F00); // 6F00 would mean a handler bug
  }

  @Provide
  Arbitrary<byte[]> apdus() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> shaped =
        Combinators.combine(
                Arbitraries.of(0x00, 0x80),
                Arbitraries.of(0xA4, 0xB1, 0xD7, 0xE4, 0x58, 0x20, 0x24, 0x2C, 0x50, 0x52, 0x46,
                    0x68, 0x62, 0x72, 0x74, 0x84, 0x22, 0x2A, 0x54),
                Arbitraries.integers().between(0, 255),
                Arbitraries.of(0x00, 0x81, 0x88, 0x85, 0x92, 0x93, 0x20, 0x70, 0x80, 0x21,
                    0x03, 0xFF),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(280),
                Arbitraries.of(-1, 1, 2, 256, 512, 65536))
            .as(
                (cla, ins, p1, p2, data, ne) -> {
                  boolean ext = data.length > 255 || ne > 256;
                  return new io.hsmkit.apdu.CommandApdu(cla, ins, p1, p2, data, ne, ext)
                      .toBytes();
                });
    return Arbitraries.oneOf(raw, shaped, shaped);
  }
}
