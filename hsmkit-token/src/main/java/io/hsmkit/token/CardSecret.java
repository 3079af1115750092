package io.hsmkit.token;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.state.StateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The optional extra secret an emulated card mixes into its PIN KDF (SECURITY.md "Keys at rest"):
 * from a file ({@code hsmkit serve --secret-file F}) or the environment variable {@value #ENV}.
 * Never from argv. At least {@value #MIN_LENGTH} bytes, because its purpose is to be unguessable
 * (e.g. {@code head -c 32 /dev/urandom > F}).
 */
public final class CardSecret {
  public static final String ENV = "HSMKIT_CARD_SECRET";
  public static final int MIN_LENGTH = 16;

  private CardSecret() {}

  /**
   * The secret from {@code file} if given, else from {@value #ENV} in {@code env}, else empty
   * (none). One trailing line break of a file is dropped, so an editor's newline does not change
   * the secret.
   *
   * @throws StateException with a one-line reason (never the secret) if it cannot be read or is
   *     too short
   */
  public static byte[] resolve(Path file, Map<String, String> env) throws StateException {
    byte[] secret;
    String from;
    if (file != null) {
      try {
        secret = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new StateException("cannot read the card secret file " + file + ": " + e, e);
      }
      int n = secret.length;
      if (n > 0 && secret[n - 1] == '\n') {
        n--;
        if (n > 0 && secret[n - 1] == '\r') {
          n--;
        }
      }
      secret = Arrays.copyOf(secret, n);
      from = "the card secret file " + file;
    } else {
      String v = env.get(ENV);
      if (v == null || v.isEmpty()) {
        return new byte[0];
      }
      secret = v.getBytes(StandardCharsets.UTF_8);
      from = ENV;
    }
    if (secret.length < MIN_LENGTH) {
      Arrays.fill(secret, (byte) 0);
      throw new StateException(
          from + " holds fewer than " + MIN_LENGTH + " bytes; use a random one, e.g. head -c 32"
              + " /dev/urandom");
    }
    return secret;
  }

  /** The system environment for an emulated card, with the extra secret of {@code file}/env. */
  public static CardEnvironment environment(Path file) throws StateException {
    byte[] secret = resolve(file, System.getenv());
    try {
      return CardEnvironment.system().withExtraSecret(secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
