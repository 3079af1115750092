package io.hsmkit.client.dkek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.testkit.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DkekShareFileTest {

  @Test
  void decrypt_realShareFileFromScHsmTool_givesTheShareAndKcv() throws Exception {
    Vectors.DkekShare v = Vectors.dkekShare();
    List<Integer> progress = new ArrayList<>();
    byte[] share = DkekShareFile.decrypt(Base64.getDecoder().decode(v.pbeBase64()),
        v.password().getBytes(StandardCharsets.UTF_8), progress::add);
    assertThat(share).isEqualTo(v.share());
    assertThat(HexFormat.of().withUpperCase().formatHex(DkekShareFile.kcv(share))).isEqualTo(v.kcv());
    assertThat(progress).isNotEmpty().isSorted();
    assertThat(progress.get(progress.size() - 1)).isEqualTo(100);
  }

  @Test
  void encrypt_sameSaltAndPassword_reproducesTheRealFileBytes() {
    Vectors.DkekShare v = Vectors.dkekShare();
    byte[] real = Base64.getDecoder().decode(v.pbeBase64());
    byte[] salt = java.util.Arrays.copyOfRange(real, 8, 16);
    byte[] ours = DkekShareFile.encrypt(v.share(), v.password().getBytes(StandardCharsets.UTF_8), salt, null);
    assertThat(ours).isEqualTo(real);
  }

  @Test
  void decrypt_wrongPasswordOrGarbage_isRejected() {
    byte[] file = DkekShareFile.encrypt(new byte[32], "right".getBytes(), new byte[8], 1000, null);
    assertThatThrownBy(() -> DkekShareFile.decrypt(file, "wrong".getBytes(), 1000, null))
        .isInstanceOf(DkekShareFile.BadShareFileException.class).hasMessageContaining("wrong password");
    assertThatThrownBy(() -> DkekShareFile.decrypt(new byte[64], "x".getBytes(), 1000, null))
        .hasMessageContaining("not a DKEK share file");
  }
}
