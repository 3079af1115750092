package io.hsmkit.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.seal.KdfParams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CardEnvironmentsTest {
  @TempDir Path tmp;

  @Test
  void secret_fileWinsOverEnv_oneTrailingNewlineDropped() throws Exception {
    Path f = tmp.resolve("secret");
    Files.writeString(f, "0123456789abcdefXYZ\n");
    byte[] s = CardEnvironments.resolve(f, Map.of(CardEnvironments.ENV, "another-secret-value"));
    assertThat(new String(s, StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdefXYZ");
    Files.writeString(f, "0123456789abcdefXYZ\r\n");
    assertThat(CardEnvironments.resolve(f, Map.of())).isEqualTo(s);
  }

  @Test
  void secret_fromEnv_orNone() throws Exception {
    assertThat(CardEnvironments.resolve(null, Map.of())).isEmpty();
    assertThat(CardEnvironments.resolve(null, Map.of(CardEnvironments.ENV, "0123456789abcdef")))
        .hasSize(16);
  }

  @Test
  void secret_tooShortOrUnreadable_isAOneLineErrorWithoutTheSecret() throws Exception {
    assertThatThrownBy(() -> CardEnvironments.resolve(null, Map.of(CardEnvironments.ENV, "short1")))
        .isInstanceOf(TokenException.class)
        .hasMessageContaining("fewer than 16 bytes")
        .hasMessageNotContaining("short1");
    assertThatThrownBy(() -> CardEnvironments.resolve(tmp.resolve("missing"), Map.of()))
        .isInstanceOf(TokenException.class)
        .hasMessageContaining("cannot read the card secret file");
  }

  @Test
  void kdf_defaultParsedOrRefused() throws Exception {
    assertThat(CardEnvironments.kdf(Map.of())).isEqualTo(KdfParams.DEFAULT);
    assertThat(CardEnvironments.kdf(Map.of(CardEnvironments.KDF_ENV, "m=16,t=3,p=1")))
        .isEqualTo(new KdfParams(16, 3, 1));
    for (String bad : new String[] {"cheap", "m=4,t=1,p=1", "m=8,t=0,p=1", "m=8;t=1;p=1"}) {
      assertThatThrownBy(() -> CardEnvironments.kdf(Map.of(CardEnvironments.KDF_ENV, bad)))
          .as(bad)
          .isInstanceOf(TokenException.class);
    }
  }
}
