package io.hsmkit.token;

import io.hsmkit.apdu.ApduTransport;
import io.hsmkit.card.CardOs;
import io.hsmkit.client.PcscTransport;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.TracingTransport;
import io.hsmkit.client.token.OpenToken;
import io.hsmkit.client.token.TokenSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An open token: a session over the embedded card or a PC/SC reader. Closing it releases the card
 * (and the state directory's lock). The CLI opens tokens here (the card's state errors arrive as {@link
 * TokenException}s); other programs open them through {@link
 * io.hsmkit.client.token.Tokens}, which finds the embedded card through {@link
 * EmulatedTokenOpener}.
 */
public final class Token implements OpenToken {
  private final TokenSpec spec;
  private final ApduTransport transport;
  private final CardOs embedded;
  private final SmartCardHsmSession session;
  private final String description;

  private Token(TokenSpec spec, ApduTransport transport, CardOs embedded, String description) {
    this.spec = spec;
    this.transport = transport;
    this.embedded = embedded;
    this.session = new SmartCardHsmSession(transport);
    this.description = description;
  }

  /** Opens the token; a damaged or locked emulated card is a {@link TokenException}. */
  public static Token open(TokenSpec spec) throws IOException, TokenException {
    return open(spec, System.getenv());
  }

  /**
   * Opens the token; an emulated card takes its extra secret and KDF cost from {@code env}
   * ({@link CardEnvironments}).
   */
  public static Token open(TokenSpec spec, Map<String, String> env)
      throws IOException, TokenException {
    return open(spec, env, null);
  }

  /**
   * Opens the token; with a {@code trace} sink every APDU goes to it as a line, PINs, shares and
   * decrypted data left out ({@link TracingTransport}), whatever the token kind.
   */
  public static Token open(TokenSpec spec, Map<String, String> env,
      java.util.function.Consumer<String> trace)
      throws IOException, TokenException {
    if (spec.kind() == TokenSpec.Kind.EMULATED) {
      Path dir = Path.of(spec.value());
      CardOs card = CardEnvironments.openCard(dir, null, env);
      card.powerOn();
      ApduTransport t = card::process;
      return new Token(spec, trace != null ? new TracingTransport(t, trace) : t, card,
          "emulated token " + dir.toAbsolutePath().normalize());
    }
    PcscTransport t = PcscTransport.open(spec.value());
    return new Token(spec, trace != null ? new TracingTransport(t, trace) : t, null,
        "reader \"" + t.readerName() + "\"");
  }

  /** A token on an embedded card opened by the caller (tests with their own storage backend). */
  public static Token embedded(CardOs card, Path dir) {
    card.powerOn();
    ApduTransport t = card::process;
    return new Token(TokenSpec.parse("emulated:" + dir), t, card,
        "emulated token " + dir.toAbsolutePath().normalize());
  }

  /** Why the embedded card last answered {@code 6581} (its state store's error), if it did. */
  public java.util.Optional<String> stateError() {
    return embedded == null ? java.util.Optional.empty() : embedded.lastStateError();
  }

  @Override
  public SmartCardHsmSession session() {
    return session;
  }

  public TokenSpec spec() {
    return spec;
  }

  /** Where the token is, for messages: the state directory or the reader name. */
  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() throws IOException {
    try {
      transport.close();
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
