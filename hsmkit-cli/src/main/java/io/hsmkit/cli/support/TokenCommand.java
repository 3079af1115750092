package io.hsmkit.cli.support;

import io.hsmkit.card.CardOs;
import io.hsmkit.card.state.FileStateStore;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import io.hsmkit.token.TokenBusyException;
import io.hsmkit.token.TokenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the subcommands that talk to a token: opens the token named by {@code --token}, runs
 * {@link #run(Token)}, and turns failures into one-line errors with the CLI's exit codes (0 ok, 1
 * the card refused or could not be reached, 2 usage).
 */
public abstract class TokenCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  protected CliContext ctx() {
    return (CliContext) spec.root().userObject();
  }

  /** Standard output of the CLI. */
  public java.io.PrintWriter ctxOut() {
    return ctx().out();
  }

  protected abstract int run(Token token) throws IOException, HsmException;

  /** Checks done before the token is opened (option validation). */
  protected void validate() {}

  /** Whether the command may make a new emulated token where none is (only init does). */
  protected boolean createsToken() {
    return false;
  }

  /**
   * Refuses an emulated token whose directory holds no card state: opening it would make a new,
   * uninitialized card there, parents included, which a read-only command must not do.
   */
  public static void requireExisting(TokenSpec spec) {
    if (spec.kind() == TokenSpec.Kind.EMULATED) {
      Path dir = Path.of(spec.value());
      if (!Files.exists(dir.resolve(FileStateStore.STATE_FILE))) {
        throw CliException.usage("no token at " + dir.toAbsolutePath().normalize()
            + "; create one with hsmkit init, or choose another with --token");
      }
    }
  }

  @Override
  public Integer call() throws IOException, HsmException, TokenException {
    validate();
    if (!createsToken()) {
      requireExisting(ctx().tokenSpec());
    }
    try (Token token = open(ctx())) {
      try {
        return run(token);
      } catch (HsmException e) {
        throw explain(e, token);
      }
    }
  }

  /**
   * Opens the token of {@code ctx}: waits up to {@code --wait} for an emulated token another
   * process holds, saying once on stderr whom it waits for; traces APDUs with {@code --verbose}.
   */
  public static Token open(CliContext ctx) throws IOException, TokenException {
    java.time.Duration wait = ctx.lockWait();
    long deadline = System.nanoTime() + wait.toNanos();
    boolean said = false;
    while (true) {
      try {
        return Token.open(ctx.tokenSpec(), ctx.env(), !ctx.verbose() ? null : line -> {
          ctx.err().println("hsmkit: apdu " + line);
          ctx.err().flush();
        });
      } catch (TokenBusyException e) {
        if (System.nanoTime() - deadline >= 0) {
          throw new CliException(CliException.REFUSED, e.getMessage()
              + (wait.isZero() ? "; retry when it is done, or wait for it with --wait[=SECONDS]"
                  : "; gave up after waiting " + wait.toSeconds() + " s"));
        }
        if (!said) {
          ctx.err().println("hsmkit: " + e.getMessage() + "; waiting up to " + wait.toSeconds()
              + " s...");
          ctx.err().flush();
          said = true;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new CliException(CliException.REFUSED, e.getMessage());
        }
      } catch (TokenException e) {
        if (wrongSecret(e)) {
          throw new CliException(CliException.USAGE, e.getMessage()
              + " (the embedded token takes the extra secret from HSMKIT_CARD_SECRET)");
        }
        throw e;
      }
    }
  }

  /** The card refused to open because its extra secret is not the one it was made with. */
  public static boolean wrongSecret(TokenException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof CardOs.SecretMismatchException) {
        return true;
      }
    }
    return false;
  }

  /**
   * A {@code 6581} (memory failure) from the embedded card, with the cause its state store gave
   * (a full disk, a read-only directory); other errors as they are.
   */
  public static HsmException explain(HsmException e, Token token) {
    if (e.sw() != null && e.sw().value() == 0x6581) {
      var why = token.stateError();
      if (why.isPresent()) {
        return new HsmException(e.getMessage() + "; the card's state store says: " + why.get(),
            e.sw());
      }
    }
    return e;
  }
}
