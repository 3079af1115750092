package io.hsmkit.dist;

import io.hsmkit.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes what the release packages ship beside the jars, from picocli's model of the CLI so that
 * it can never disagree with {@code --help}: the bash/zsh completion script and one AsciiDoc man
 * page per command (turned into troff by Asciidoctor in the same build).
 *
 * <p>Arguments: the completion file to write, the directory for the {@code .adoc} pages.
 */
public final class GenerateDocs {
  private GenerateDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: GenerateDocs COMPLETION_FILE ADOC_DIR");
    }
    CommandLine tree = Main.documentationTree();
    Path completion = Path.of(args[0]);
    Files.createDirectories(completion.toAbsolutePath().getParent());
    Files.writeString(completion, AutoComplete.bash("hsmkit", tree), StandardCharsets.UTF_8);
    Path adoc = Path.of(args[1]);
    Files.createDirectories(adoc);
    int rc = ManPageGenerator.generateManPage(
            adoc.toFile(), null, new boolean[0], true, tree.getCommandSpec());
    if (rc != 0) {
      throw new IOException("man page generation failed with " + rc);
    }
  }
}
