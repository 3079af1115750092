package io.hsmkit.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.token.OpenToken;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.client.token.Tokens;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenTest {
  @Test
  void open_emulated_createsTheStateAndTalks(@TempDir Path dir) throws Exception {
    try (Token t = Token.open(TokenSpec.parse("emulated:" + dir.resolve("tok")))) {
      assertThat(t.session().select().version()).isEqualTo("3.4");
      assertThat(t.description()).contains("emulated token");
    }
    assertThat(dir.resolve("tok/card.state")).exists();
  }

  /** What the JCA provider does: this module's service makes emulated SPECs openable. */
  @Test
  void tokensFindsTheEmulatedOpenerOnTheClassPath(@TempDir Path dir) throws Exception {
    try (OpenToken t = Tokens.open(TokenSpec.parse("emulated:" + dir.resolve("tok")), Map.of())) {
      assertThat(t).isInstanceOf(Token.class);
      assertThat(t.session().select().version()).isEqualTo("3.4");
    }
  }
}
