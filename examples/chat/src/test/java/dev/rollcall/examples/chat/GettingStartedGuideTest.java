package dev.rollcall.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/getting-started.md quotes this module: each of its Java blocks must appear, line for line
 * (at any one indentation), in a source file of this module that the build compiles and the other
 * tests run, and each JavaScript block in the page. A guide edited without its example, or an
 * example changed without its guide, fails here.
 */
class GettingStartedGuideTest {
  private static final Path ROOT =
      Path.of(System.getenv().getOrDefault("ROLLCALL_PROJECT_ROOT", "../.."));
  private static final Pattern BLOCK =
      Pattern.compile("```(java|js)\\n(.*?)\\n```", Pattern.DOTALL);

  @Test
  void everyCodeBlockIsQuotedFromTheExample() throws IOException {
    String guide = Files.readString(ROOT.resolve("docs/getting-started.md"));
    List<String> java = sources(Path.of("src/main/java"), ".java");
    List<String> page = sources(Path.of("src/main/resources/public"), ".html");
    int blocks = 0;
    Matcher m = BLOCK.matcher(guide);
    while (m.find()) {
      blocks++;
      List<String> candidates = m.group(1).equals("java") ? java : page;
      String block = m.group(2);
      assertThat(candidates.stream().anyMatch(source -> quotes(source, block)))
          .as("this %s block of the guide is not in the example's sources:%n%s", m.group(1), block)
          .isTrue();
    }
    assertThat(blocks).as("code blocks in the guide").isGreaterThanOrEqualTo(8);
  }

  /** Whether {@code source} holds {@code block}'s lines in a row, each indented by the same run. */
  static boolean quotes(String source, String block) {
    List<String> lines = block.lines().toList();
    List<String> sourceLines = source.lines().toList();
    for (int start = 0; start + lines.size() <= sourceLines.size(); start++) {
      String first = sourceLines.get(start);
      if (!first.endsWith(lines.getFirst()) || lines.getFirst().isEmpty()) {
        continue;
      }
      String indent = first.substring(0, first.length() - lines.getFirst().length());
      if (!indent.isBlank()) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < lines.size() && all; i++) {
        String expected = lines.get(i).isEmpty() ? "" : indent + lines.get(i);
        all = sourceLines.get(start + i).equals(expected);
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aChangedLineIsNotAQuote() {
    String source = "class A {\n  void f() {\n    g();\n  }\n}\n";
    assertThat(quotes(source, "void f() {\n  g();\n}")).isTrue();
    assertThat(quotes(source, "void f() {\n  h();\n}")).isFalse();
    assertThat(quotes(source, "void f() {\ng();\n}")).isFalse();
  }

  private static List<String> sources(Path dir, String suffix) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
        out.add(Files.readString(file));
      }
    }
    return out;
  }
}
