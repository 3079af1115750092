package io.hsmkit.client.token;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This module's test class path has the card but not hsmkit-token, as a real-devices-only app. */
class TokensTest {
  @Test
  void emulatedWithoutHsmkitTokenIsOneClearLine(@TempDir Path dir) {
    assertThatThrownBy(() -> Tokens.open(TokenSpec.parse("emulated:" + dir), Map.of()))
        .isInstanceOf(IOException.class)
        .hasMessage("emulated tokens need hsmkit-token on the classpath (io.hsmkit:hsmkit-token)")
        .hasNoCause();
  }
}
