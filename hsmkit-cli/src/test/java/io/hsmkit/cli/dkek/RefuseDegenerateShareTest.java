package io.hsmkit.cli.dkek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.client.DkekStatus;
import io.hsmkit.client.dkek.DkekShareFile;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The host's checks for a real chip, which XORs any share in: what the card's status tells before
 * the import is enough to refuse a share that cancels the DKEK to zeros.
 */
class RefuseDegenerateShareTest {
  static final byte[] A = filled(0x11);
  static final byte[] B = filled(0x22);

  static byte[] filled(int v) {
    byte[] b = new byte[32];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }

  @Test
  void zeroKcvConstant_isSha256OfZeros() {
    assertThat(HexFormat.of().withUpperCase().formatHex(DkekShareFile.kcv(new byte[32])))
        .isEqualTo(DkekStatus.ZERO_DKEK_KCV);
  }

  @Test
  void sameShareAsTheAccumulator_isRefused_anotherIsNot() {
    DkekStatus afterA = new DkekStatus(2, 1, DkekShareFile.kcv(A));
    assertThatThrownBy(() -> DkekCommand.Import.refuseDegenerate(afterA, A.clone()))
        .isInstanceOf(CliException.class).hasMessageContaining("all zeros")
        .hasMessageContaining("imported already");
    DkekCommand.Import.refuseDegenerate(afterA, B.clone());
    // nothing imported yet: the status KCV is the zero DKEK's, any non-zero share is fine
    DkekCommand.Import.refuseDegenerate(new DkekStatus(2, 2, DkekShareFile.kcv(new byte[32])), A);
  }

  @Test
  void zeroShare_andAnAccumulatorAlreadyZero_areRefused() {
    assertThatThrownBy(() -> DkekCommand.Import.refuseDegenerate(new DkekStatus(1, 1, new byte[8]),
        new byte[32])).hasMessageContaining("all zeros");
    DkekStatus zeroed = new DkekStatus(3, 1, DkekShareFile.kcv(new byte[32]));
    assertThatThrownBy(() -> DkekCommand.Import.refuseDegenerate(zeroed, B.clone()))
        .hasMessageContaining("re-initialize");
  }
}
