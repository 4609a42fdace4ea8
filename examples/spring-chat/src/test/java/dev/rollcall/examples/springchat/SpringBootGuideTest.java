package dev.rollcall.examples.springchat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.testing.DocQuotes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/spring-boot.md's Java blocks are quoted from this example's compiled, tested sources. */
class SpringBootGuideTest {

  @Test
  void everyJavaBlockIsQuotedFromTheExample() throws Exception {
    Path page =
        Path.of(System.getenv().getOrDefault("ROLLCALL_PROJECT_ROOT", "../.."))
            .resolve("docs/spring-boot.md");
    List<DocQuotes.Block> blocks = DocQuotes.blocks(page, "java");
    assertThat(blocks).isNotEmpty();
    List<String> sources = DocQuotes.sources(Path.of("src/main/java"), ".java");
    for (DocQuotes.Block block : blocks) {
      assertThat(sources.stream().anyMatch(source -> DocQuotes.quotes(source, block.text())))
          .as("not in the example's sources:%n%s", block.text())
          .isTrue();
    }
  }
}
