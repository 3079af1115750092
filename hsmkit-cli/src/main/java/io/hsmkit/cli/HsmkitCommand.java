package io.hsmkit.cli;

import io.hsmkit.cli.device.InitCommand;
import io.hsmkit.cli.device.PinCommand;
import io.hsmkit.cli.device.SoPinCommand;
import io.hsmkit.cli.device.StatusCommand;
import io.hsmkit.cli.emulator.ServeCommand;
import io.hsmkit.cli.key.BackupCommands;
import io.hsmkit.cli.key.CryptoCommands;
import io.hsmkit.cli.key.KeysCommand;
import io.hsmkit.cli.key.PrincipalCommand;
import io.hsmkit.cli.support.CliContext;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.Secrets;
import io.hsmkit.client.token.TokenSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code hsmkit} root command: global options and the subcommand list. Adding a subcommand is
 * one class and one line in {@link #SUBCOMMANDS}.
 */
@Command(
    name = "hsmkit",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = VersionProvider.class,
    description = "A software Nitrokey HSM 2 and the tools to run a real or emulated one.")
public final class HsmkitCommand implements CliContext, Callable<Integer> {
  /**
   * The subcommands, in the order of the usage help. Not in the {@code @Command} annotation: Main
   * registers only the one a command line names (see {@link Main#commandLine}), because building
   * picocli's model of the whole tree costs a third of a second of every start.
   */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          ServeCommand.class,
          StatusCommand.class,
          InitCommand.class,
          PinCommand.class,
          SoPinCommand.class,
          KeysCommand.class,
          CryptoCommands.Sign.class,
          CryptoCommands.Decrypt.class,
          CryptoCommands.Derive.class,
          io.hsmkit.cli.key.SymmetricCommands.Encrypt.class,
          io.hsmkit.cli.key.SymmetricCommands.Mac.class,
          BackupCommands.Wrap.class,
          BackupCommands.Unwrap.class,
          BackupCommands.Backup.class,
          BackupCommands.Restore.class,
          PrincipalCommand.class,
          io.hsmkit.cli.device.DoctorCommand.class,
          io.hsmkit.cli.dkek.DkekCommand.class,
          io.hsmkit.cli.demo.DemoCommand.class,
          picocli.AutoComplete.GenerateCompletion.class,
          io.hsmkit.cli.ca.CaCommands.Ca.class,
          io.hsmkit.cli.ca.CaCommands.Csr.class,
          io.hsmkit.cli.ca.CaCommands.Cert.class);

  private final Map<String, String> env;
  private final Secrets secrets;
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec CommandSpec spec;

  @Option(
      names = "--token",
      scope = ScopeType.INHERIT,
      paramLabel = "SPEC",
      description =
          "emulated:DIR or pcsc[:READER]. Default: $HSMKIT_TOKEN, else emulated:$HSMKIT_HOME/token"
              + " (HSMKIT_HOME defaults to ~/.hsmkit).")
  String token;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Log more (connections, retries, the APDU trace with PINs, shares and decrypted"
          + " data left out) and show stack traces on errors.")
  boolean verbose;

  @Option(names = "--wait", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "30",
      paramLabel = "SECONDS",
      description = "If the emulated token is in use by another process, wait up to SECONDS for it"
          + " (30 when given without a value; default: do not wait).")
  Integer waitSeconds;

  public HsmkitCommand(Map<String, String> env, Secrets secrets, PrintWriter out, PrintWriter err) {
    this.env = env;
    this.secrets = secrets;
    this.out = out;
    this.err = err;
  }

  /** {@code hsmkit} alone: a usage error that lists the subcommands. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing a subcommand");
  }

  @Override
  public TokenSpec tokenSpec() {
    try {
      return token != null ? TokenSpec.parse(token) : TokenSpec.defaultFrom(env);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  @Override
  public Secrets secrets() {
    return secrets;
  }

  @Override
  public PrintWriter out() {
    return out;
  }

  @Override
  public PrintWriter err() {
    return err;
  }

  @Override
  public boolean verbose() {
    return verbose || "1".equals(env.get("HSMKIT_DEBUG"));
  }

  @Override
  public java.time.Duration lockWait() {
    if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > 86400)) {
      throw CliException.usage("--wait must be between 0 and 86400 seconds");
    }
    return java.time.Duration.ofSeconds(waitSeconds == null ? 0 : waitSeconds);
  }

  @Override
  public Map<String, String> env() {
    return env;
  }
}
