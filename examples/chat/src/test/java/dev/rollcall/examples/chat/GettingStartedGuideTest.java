package dev.rollcall.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.testing.DocQuotes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/getting-started.md quotes this module: each of its Java blocks must appear, line for line
 * (at any one indentation), in a source file of this module that the build compiles and the other
 * tests run, and each JavaScript block in the page. A guide edited without its example, or an
 * example changed without its guide, fails here.
 */
class GettingStartedGuideTest {
  private static final Path GUIDE =
      Path.of(System.getenv().getOrDefault("ROLLCALL_PROJECT_ROOT", "../.."))
          .resolve("docs/getting-started.md");

  @Test
  void everyJavaBlockIsQuotedFromTheExample() throws IOException {
    assertQuoted(DocQuotes.blocks(GUIDE, "java"), Path.of("src/main/java"), ".java", 7);
  }

  @Test
  void everyJavaScriptBlockIsQuotedFromThePage() throws IOException {
    assertQuoted(DocQuotes.blocks(GUIDE, "js"), Path.of("src/main/resources/public"), ".html", 1);
  }

  @Test
  void aChangedLineIsNotAQuote() {
    String source = "class A {\n  void f() {\n    g();\n  }\n}\n";
    assertThat(DocQuotes.quotes(source, "void f() {\n  g();\n}")).isTrue();
    assertThat(DocQuotes.quotes(source, "void f() {\n  h();\n}")).isFalse();
    assertThat(DocQuotes.quotes(source, "void f() {\ng();\n}")).isFalse();
  }

  private static void assertQuoted(
      List<DocQuotes.Block> blocks, Path sources, String suffix, int expected) throws IOException {
    assertThat(blocks).as("%s blocks in the guide", suffix).hasSize(expected);
    List<String> files = DocQuotes.sources(sources, suffix);
    for (DocQuotes.Block block : blocks) {
      assertThat(files.stream().anyMatch(source -> DocQuotes.quotes(source, block.text())))
          .as("this block of the guide is not in the example's sources:%n%s", block.text())
          .isTrue();
    }
  }
}
