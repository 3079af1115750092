package io.hsmkit.cli;

import io.hsmkit.cli.emulator.ServeCommand;
import java.io.PrintWriter;
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
 * one class and one line here.
 */
@Command(
    name = "hsmkit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A software Nitrokey HSM 2 and the tools to run a real or emulated one.",
    subcommands = {
      ServeCommand.class,
    })
public final class HsmkitCommand implements Callable<Integer> {
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log more (connections, retries, APDU headers) and show stack traces on errors.")
  boolean verbose;

  public HsmkitCommand(Map<String, String> env, PrintWriter out, PrintWriter err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** {@code hsmkit} alone: a usage error that lists the subcommands. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing a subcommand");
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  public boolean verbose() {
    return verbose || "1".equals(env.get("HSMKIT_DEBUG"));
  }

  public Map<String, String> env() {
    return env;
  }
}
