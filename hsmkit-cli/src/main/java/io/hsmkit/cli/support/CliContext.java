package io.hsmkit.cli.support;

import io.hsmkit.client.token.TokenSpec;
import java.io.PrintWriter;

/** What every subcommand gets from the root command: token choice, secrets, output streams. */
public interface CliContext {
  TokenSpec tokenSpec();

  Secrets secrets();

  PrintWriter out();

  PrintWriter err();

  boolean verbose();

  /** The process environment as the CLI sees it (tests pass their own). */
  java.util.Map<String, String> env();

  /** How long to wait for an emulated token another process holds ({@code --wait}). */
  default java.time.Duration lockWait() {
    return java.time.Duration.ZERO;
  }
}
