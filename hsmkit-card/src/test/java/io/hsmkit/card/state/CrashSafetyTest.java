package io.hsmkit.card.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.TestCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety: for every mutating command, each step of each commit fails (before, after, or as a
 * torn write); the state found when the card is opened again is exactly the last committed state
 * or the one that was being written, never a mix, never damaged, and a PIN try that reached the
 * disk is never given back.
 */
class CrashSafetyTest {
  @TempDir Path tmp;

  record Scenario(String name, Consumer<TestCard> setup, Consumer<TestCard> command) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final Consumer<TestCard> INITIALIZED = t -> t.initialized();
  static final Consumer<TestCard> LOGGED_IN = t -> t.initialized().loggedIn();
  static final String SHARE = "11".repeat(32);

  static Stream<Arguments> scenarios() {
    List<Scenario> s = new ArrayList<>();
    s.add(new Scenario("INITIALIZE (first)", t -> {},
        t -> t.initialize(TestCard.SO_PIN_HEX, TestCard.USER_PIN, 3, 1)));
    s.add(new Scenario("INITIALIZE (again)", INITIALIZED,
        t -> t.initialize(TestCard.SO_PIN_HEX, "654321", 3, 2)));
    s.add(new Scenario("INITIALIZE (wrong SO-PIN)", INITIALIZED,
        t -> t.initialize("0000000000000000", "654321", 3, null)));
    s.add(new Scenario("VERIFY (right)", INITIALIZED, t -> t.verify(TestCard.USER_PIN)));
    s.add(new Scenario("VERIFY (wrong)", INITIALIZED, t -> t.verify("000000")));
    s.add(new Scenario("UPDATE BINARY", LOGGED_IN, t -> t.updateBinary(0xCE01, 0, "0102030405")));
    s.add(new Scenario("DELETE FILE", t -> {
      LOGGED_IN.accept(t);
      t.updateBinary(0xC901, 0, "01");
    }, t -> t.sw("00E4020002C901")));
    s.add(new Scenario("GENERATE KEY PAIR", LOGGED_IN, CrashSafetyTest::generateEcKey));
    s.add(new Scenario("CHANGE REFERENCE DATA", INITIALIZED, t -> {
      String d = TestCard.ascii(TestCard.USER_PIN) + TestCard.ascii("11223344");
      t.sw("00240081" + TestCard.lc(d) + d);
    }));
    s.add(new Scenario("RESET RETRY COUNTER", INITIALIZED, t -> {
      String d = TestCard.SO_PIN_HEX + TestCard.ascii("11223344");
      t.sw("002C0081" + TestCard.lc(d) + d);
    }));
    // keys at rest: the re-wrapping and sealing write paths
    s.add(new Scenario("CHANGE REFERENCE DATA (SO re-wrap)", INITIALIZED,
        t -> t.sw("0024008810" + TestCard.SO_PIN_HEX + "0102030405060708")));
    s.add(new Scenario("RESET RETRY COUNTER (unblock only)", INITIALIZED,
        t -> t.sw("002C018108" + TestCard.SO_PIN_HEX)));
    s.add(new Scenario("IMPORT DKEK SHARE (sealed to the import key)", INITIALIZED,
        t -> t.sw("8052000020" + SHARE)));
    s.add(new Scenario("IMPORT DKEK SHARE (logged in)", LOGGED_IN,
        t -> t.sw("8052000020" + SHARE)));
    s.add(new Scenario("VERIFY (folds pending shares)", t -> {
      INITIALIZED.accept(t);
      t.sw("8052000020" + SHARE);
    }, t -> t.verify(TestCard.USER_PIN)));
    return s.stream().flatMap(sc -> Stream.of(FaultInjectingBackend.Mode.values())
        .map(m -> Arguments.of(sc, m)));
  }

  /** GAKP for secp256r1 as OpenSC sends it (docs/protocol.md#generate), key id 1. */
  static void generateEcKey(TestCard t) {
    var p = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("secp256r1");
    byte[] body = new io.hsmkit.apdu.TlvWriter()
        .addByte(0x5F29, 0)
        .add(0x42, "UTCA00001")
        .nest(0x7F49, w -> w.add(0x06, io.hsmkit.apdu.TaAlgorithm.ECDSA_SHA_256.der())
            .add(0x81, fixed(p.getCurve().getField().getCharacteristic()))
            .add(0x82, fixed(p.getCurve().getA().toBigInteger()))
            .add(0x83, fixed(p.getCurve().getB().toBigInteger()))
            .add(0x84, p.getG().getEncoded(false))
            .add(0x85, fixed(p.getN()))
            .add(0x87, new byte[] {1}))
        .add(0x5F20, "DEHK000000100001")
        .toByteArray();
    t.card.process(new io.hsmkit.apdu.CommandApdu(0x00, 0x46, 0x01, 0x00, body, 65536, true).toBytes());
  }

  static byte[] fixed(java.math.BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, b.length);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("scenarios")
  void everyFaultPoint_leavesOldOrNewState(Scenario sc, FaultInjectingBackend.Mode mode)
      throws Exception {
    // count the steps of a clean run
    int steps = run(sc, Integer.MAX_VALUE, mode, tmp.resolve("clean")).ops();
    assertThat(steps).as("the command writes something").isPositive();
    for (int k = 0; k < steps; k++) {
      Path dir = tmp.resolve("fault-" + k);
      FaultInjectingBackend b = run(sc, k, mode, dir);
      assertThat(b.fired()).isTrue();
      CardState after;
      try (CardOs reopened = CardOs.open(dir, TestCard.env())) {
        after = reopened.state();
      }
      CardState committed = StateCodec.decode(b.committed, "committed").state();
      CardState attempted = StateCodec.decode(b.pending, "attempted").state();
      assertThat(after).as("fault at step %d (%s)", k, mode).isIn(committed, attempted);
      if (mode != FaultInjectingBackend.Mode.AFTER) {
        // a step that failed before finishing cannot have published the new state
        assertThat(after).as("fault at step %d (%s)", k, mode).isEqualTo(committed);
      }
      assertThat(Files.exists(dir.resolve("card.state"))).isTrue();
    }
  }

  private FaultInjectingBackend run(Scenario sc, int faultAt, FaultInjectingBackend.Mode mode,
      Path dir) throws Exception {
    FaultInjectingBackend b = new FaultInjectingBackend(faultAt, mode);
    try (CardOs card = CardOs.open(dir, TestCard.env(), b)) {
      TestCard t = new TestCard(card);
      sc.setup().accept(t);
      b.arm(Files.readAllBytes(dir.resolve("card.state")));
      sc.command().accept(t);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return b;
  }
}
