package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.cli.support.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Main registers only the subcommand a command line names, and the whole tree otherwise. */
class LazySubcommandsTest {
  private static CommandLine commandLine(String... args) {
    PrintWriter w = new PrintWriter(new StringWriter());
    return Main.commandLine(new HsmkitCommand(Map.of(), new Secrets(Map.of(), (io.hsmkit.cli.support.Secrets.Terminal) null), w, w), args);
  }

  @Test
  void firstCommand_skipsOptionsAndTheTokenValue() {
    assertThat(Main.firstCommand(new String[] {"--token", "emulated:/x", "status"})).isEqualTo("status");
    assertThat(Main.firstCommand(new String[] {"--token=pcsc", "--verbose", "keys", "list"})).isEqualTo("keys");
    assertThat(Main.firstCommand(new String[] {"--help"})).isNull();
    assertThat(Main.firstCommand(new String[] {})).isNull();
  }

  @Test
  void aNamedSubcommand_isTheOnlyOneRegistered() {
    assertThat(commandLine("--token", "emulated:/x", "status").getSubcommands()).containsOnlyKeys("status");
    assertThat(commandLine("keys", "list").getSubcommands().get("keys").getSubcommands())
        .containsKeys("list", "generate", "delete");
  }

  @Test
  void helpCompletionAndUnknownNames_getEverySubcommand() {
    int all = HsmkitCommand.SUBCOMMANDS.size();
    assertThat(commandLine("--help").getSubcommands()).hasSize(all);
    assertThat(commandLine("nosuch").getSubcommands()).hasSize(all);
    assertThat(commandLine("generate-completion").getSubcommands()).hasSize(all);
    assertThat(commandLine().getSubcommands()).containsKeys("serve", "status", "dkek", "ca", "csr", "cert");
  }

  @Test
  void version_needsNoSubcommand() {
    assertThat(commandLine("--version").getSubcommands()).isEmpty();
    assertThat(commandLine("status", "--version").getSubcommands()).containsOnlyKeys("status");
  }

  @Test
  void everySubcommand_canBeReachedByItsName() {
    for (String name : commandLine("--help").getSubcommands().keySet()) {
      if (!name.equals("generate-completion")) {
        assertThat(commandLine(name).getSubcommands()).as(name).containsOnlyKeys(name);
      }
    }
  }
}
