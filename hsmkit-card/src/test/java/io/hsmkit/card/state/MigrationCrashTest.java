package io.hsmkit.card.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.TestCard;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The v1 to v2 migration is a write at open: a crash at any step of it leaves a state that opens
 * (the v1 file, migrated again, or the v2 one) with every key and the PINs intact.
 */
class MigrationCrashTest {
  @TempDir Path tmp;

  static byte[] v1() throws Exception {
    try (InputStream in =
        MigrationCrashTest.class.getResourceAsStream("/io/hsmkit/card/state/v1-card.state")) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(FaultInjectingBackend.Mode.class)
  void crashDuringMigration_stateStillOpens_withItsKeys(FaultInjectingBackend.Mode mode)
      throws Exception {
    byte[] v1 = v1();
    CardState legacy = StateCodec.decode(v1, "v1").state();
    int steps = 0;
    for (int k = 0; k < 20; k++) {
      Path dir = tmp.resolve(mode + "-" + k);
      Files.createDirectories(dir);
      Files.write(dir.resolve("card.state"), v1);
      FaultInjectingBackend b = new FaultInjectingBackend(k, mode);
      b.arm(v1);
      try (CardOs card = CardOs.open(dir, TestCard.env(), b)) {
        assertThat(card.state().legacy()).isNull();
      } catch (StateException | IllegalStateException e) {
        // the crash
      }
      if (!b.fired()) {
        break;
      }
      steps++;
      CardEnvironment env = TestCard.env();
      try (CardOs card = CardOs.open(dir, env)) {
        TestCard t = new TestCard(card);
        assertThat(card.state().legacy()).isNull();
        assertThat(card.state().userTriesLeft()).isEqualTo(3);
        assertThat(t.verify(TestCard.USER_PIN).isSuccess()).isTrue();
        assertThat(card.privateKeyPkcs8(1)).isEqualTo(legacy.key(1).privateKey());
        assertThat(card.privateKeyPkcs8(2)).isEqualTo(legacy.key(2).privateKey());
      }
    }
    assertThat(steps).as("the migration writes").isPositive();
  }
}
