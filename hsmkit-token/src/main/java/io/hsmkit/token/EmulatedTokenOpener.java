package io.hsmkit.token;

import io.hsmkit.client.token.OpenToken;
import io.hsmkit.client.token.TokenOpener;
import io.hsmkit.client.token.TokenSpec;
import java.io.IOException;
import java.util.Map;

/**
 * The {@code emulated:DIR} tokens for {@link io.hsmkit.client.token.Tokens} (registered in
 * META-INF/services): present exactly when this module, and so the card, is on the class path.
 */
public final class EmulatedTokenOpener implements TokenOpener {
  @Override
  public TokenSpec.Kind kind() {
    return TokenSpec.Kind.EMULATED;
  }

  /** The card's state errors become the one-line message of an {@link IOException}. */
  @Override
  public OpenToken open(TokenSpec spec, Map<String, String> env) throws IOException {
    try {
      return Token.open(spec, env);
    } catch (TokenException e) {
      throw new IOException("cannot open " + spec + ": " + e.getMessage(), e);
    }
  }
}
