package io.hsmkit.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every citation in the sources resolves inside the repository (CONTRIBUTING.md): a {@code
 * docs/NAME.md} file that exists and, with {@code #anchor}, an {@code <a id="anchor">} in it; and no
 * source file points at material outside the clone. A clone must hold everything the code cites.
 */
class DocCitationsTest {
  private static final Pattern CITATION = Pattern.compile("docs/([A-Za-z0-9_.-]+?\\.md)(#[A-Za-z0-9_-]+)?");
  private static final Pattern ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"");
  /** Places a session's notes lived outside the repository; code must not send readers there. */
  private static final Pattern OUTSIDE = Pattern.compile("\\.\\./shared/|/work/shared|\\.\\./\\.library");

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyCitedDocAndAnchorExists() {
    List<String> broken = new ArrayList<>();
    for (Path source : sources()) {
      broken.addAll(unresolved(ROOT.relativize(source).toString(), read(source), ROOT.resolve("docs")));
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void noSourcePointsOutsideTheRepository() {
    List<String> outside = new ArrayList<>();
    for (Path source : sources()) {
      Matcher m = OUTSIDE.matcher(read(source));
      if (m.find()) {
        outside.add(ROOT.relativize(source) + ": " + m.group());
      }
    }
    assertThat(outside).isEmpty();
  }

  /** The check bites: a missing file and a missing anchor are both reported, a good one is not. */
  @Test
  void theCheckReportsMissingFilesAndAnchors(@TempDir Path docs)
      throws IOException {
    Files.writeString(docs.resolve("a.md"), "## Sign\n<a id=\"sign\"></a>\n");
    String text = "see docs/a.md#sign, docs/a.md#verify and docs/b.md.";
    assertThat(unresolved("X.java", text, docs))
        .containsExactly("X.java: docs/a.md#verify", "X.java: docs/b.md");
  }

  static List<String> unresolved(String name, String text, Path docs) {
    List<String> broken = new ArrayList<>();
    Matcher m = CITATION.matcher(text);
    while (m.find()) {
      Path doc = docs.resolve(m.group(1));
      String anchor = m.group(2);
      if (!Files.isRegularFile(doc)
          || (anchor != null && !anchors(doc).contains(anchor.substring(1)))) {
        broken.add(name + ": " + m.group());
      }
    }
    return broken;
  }

  private static Set<String> anchors(Path doc) {
    return ANCHOR.matcher(read(doc)).results().map(r -> r.group(1)).collect(Collectors.toSet());
  }

  private static List<Path> sources() {
    try (Stream<Path> files = Files.walk(ROOT)) {
      List<Path> found =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> ROOT.relativize(p).toString().matches("hsmkit-[a-z]+/src/.*"))
              .filter(p -> !p.endsWith("DocCitationsTest.java"))
              .toList();
      assertThat(found).as("sources under %s", ROOT).hasSizeGreaterThan(100);
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
