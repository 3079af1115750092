package io.hsmkit.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.state.StateException;
import io.hsmkit.client.token.TokenSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The card's StateException stops at the token: callers see a TokenException, same message. */
class TokenExceptionTest {
  @TempDir Path tmp;

  @Test
  void damagedState_isATokenException_withTheCardsMessage() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("tok"));
    Files.writeString(dir.resolve("card.state"), "garbage");

    assertThatThrownBy(() -> Token.open(TokenSpec.parse("emulated:" + dir), Map.of()))
        .isInstanceOf(TokenException.class)
        .hasMessage(dir.resolve("card.state") + " is not an hsmkit card state (bad header)")
        .cause().isInstanceOf(StateException.class)
        .hasMessage(dir.resolve("card.state") + " is not an hsmkit card state (bad header)");
  }

  @Test
  void tokenOpen_declaresNoCardException() throws Exception {
    for (var m : Token.class.getMethods()) {
      assertThat(m.getExceptionTypes()).as(m.getName()).doesNotContain(StateException.class);
    }
    for (var m : CardEnvironments.class.getMethods()) {
      assertThat(m.getExceptionTypes()).as(m.getName()).doesNotContain(StateException.class);
    }
  }
}
