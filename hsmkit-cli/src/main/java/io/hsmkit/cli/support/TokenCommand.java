package io.hsmkit.cli.support;

import io.hsmkit.card.state.FileStateStore;
import io.hsmkit.client.HsmException;
import io.hsmkit.token.Token;
import io.hsmkit.token.TokenException;
import io.hsmkit.token.TokenSpec;
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
    try (Token token = Token.open(ctx().tokenSpec(), ctx().env())) {
      try {
        return run(token);
      } catch (HsmException e) {
        throw explain(e, token);
      }
    }
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
