package io.hsmkit.client.token;

import java.io.IOException;
import java.util.Map;

/**
 * Opens the tokens of one {@link TokenSpec.Kind} that this module cannot open itself: the
 * emulated card, which lives in {@code hsmkit-token} (registered in its {@code
 * META-INF/services/io.hsmkit.client.token.TokenOpener}), so that an application talking only to
 * real devices has no emulator on its class path. Found by {@link Tokens#open}.
 */
public interface TokenOpener {
  TokenSpec.Kind kind();

  /**
   * Opens {@code spec}; an emulated card takes its extra secret and KDF cost from {@code env}.
   *
   * @throws IOException with a one-line reason when the token cannot be opened
   */
  OpenToken open(TokenSpec spec, Map<String, String> env) throws IOException;
}
