package io.hsmkit.token;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.seal.KdfParams;
import io.hsmkit.card.state.StateBusyException;
import io.hsmkit.card.state.StateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment of an emulated card opened by the CLI, {@code serve} or the JCA provider, from
 * the process environment (SECURITY.md "Keys at rest", "PIN policy"):
 *
 * <ul>
 *   <li>the optional extra secret mixed into the PIN KDF: from a file ({@code hsmkit serve
 *       --secret-file F}) or {@value #ENV}; never from argv; at least {@value #MIN_LENGTH} bytes,
 *       because its purpose is to be unguessable (e.g. {@code head -c 32 /dev/urandom > F});
 *   <li>the Argon2id cost for cards this process initializes: {@value #KDF_ENV} = {@code
 *       m=KiB,t=passes,p=lanes}, default {@link KdfParams#DEFAULT}. The unit tests of the modules
 *       above the card set the cheapest cost there (parent POM); a card keeps the cost it was
 *       initialized with.
 * </ul>
 */
public final class CardEnvironments {
  public static final String ENV = "HSMKIT_CARD_SECRET";
  public static final String KDF_ENV = "HSMKIT_CARD_KDF";
  public static final int MIN_LENGTH = 16;

  private CardEnvironments() {}

  /**
   * The secret from {@code file} if given, else from {@value #ENV} in {@code env}, else empty
   * (none). One trailing line break of a file is dropped, so an editor's newline does not change
   * the secret.
   *
   * @throws TokenException with a one-line reason (never the secret) if it cannot be read or is
   *     too short
   */
  public static byte[] resolve(Path file, Map<String, String> env) throws TokenException {
    byte[] secret;
    String from;
    if (file != null) {
      try {
        secret = Files.readAllBytes(file);
      } catch (IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
            : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
            : Files.isDirectory(file) ? "it is a directory"
            : e.getMessage();
        throw new TokenException("cannot read the card secret file " + file + ": " + why, e);
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
      throw new TokenException(
          from + " holds fewer than " + MIN_LENGTH + " bytes; use a random one, e.g. head -c 32"
              + " /dev/urandom");
    }
    return secret;
  }

  /** The Argon2id cost of {@value #KDF_ENV} in {@code env}, or the default. */
  public static KdfParams kdf(Map<String, String> env) throws TokenException {
    String v = env.get(KDF_ENV);
    if (v == null || v.isBlank()) {
      return KdfParams.DEFAULT;
    }
    Matcher m = KDF.matcher(v.trim());
    if (!m.matches()) {
      throw new TokenException(KDF_ENV + " must look like m=65536,t=2,p=1 (KiB, passes, lanes)");
    }
    try {
      return new KdfParams(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)));
    } catch (IllegalArgumentException e) {
      throw new TokenException(KDF_ENV + ": Argon2 parameters out of range", e);
    }
  }

  private static final Pattern KDF = Pattern.compile("m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})");

  /** The system environment for an emulated card: extra secret of {@code file}/env, KDF cost. */
  public static CardEnvironment environment(Path file, Map<String, String> env)
      throws TokenException {
    KdfParams kdf = kdf(env);
    byte[] secret = resolve(file, env);
    try {
      return CardEnvironment.system().withKdf(kdf).withExtraSecret(secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * Opens the emulated card in {@code dir} with {@link #environment}; a new card's device
   * certificate comes from the installation root ({@link InstallationRoots}). The card's own exception is
   * mapped to a {@link TokenException} with the same message ({@link TokenBusyException} for a
   * directory another process holds).
   */
  public static CardOs openCard(Path dir, Path secretFile, Map<String, String> env)
      throws TokenException {
    CardEnvironment e = environment(secretFile, env);
    Path rootFile = InstallationRoots.location(dir, env);
    try {
      return CardOs.open(dir, e, io.hsmkit.card.state.StorageBackend.FILES,
          () -> InstallationRoots.loadOrCreate(rootFile));
    } catch (java.io.UncheckedIOException | IllegalArgumentException ex) {
      throw new TokenException(ex.getMessage(), ex);
    } catch (StateBusyException ex) {
      throw new TokenBusyException(ex.getMessage(), ex);
    } catch (StateException ex) {
      throw new TokenException(ex.getMessage(), ex);
    }
  }
}
