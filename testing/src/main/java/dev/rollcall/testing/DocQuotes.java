package dev.rollcall.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Code blocks of a Markdown page that must be quoted from compiled, tested sources: each block must
 * appear there line for line, at any one indentation. Stateless.
 */
public final class DocQuotes {
  private DocQuotes() {}

  /** A fenced block of {@code language} in a page. */
  public record Block(String language, String text) {}

  /** The page's fenced blocks of {@code language} ({@code java}, {@code js}, ...). */
  public static List<Block> blocks(Path page, String language) throws IOException {
    Pattern fence =
        Pattern.compile("```" + Pattern.quote(language) + "\\n(.*?)\\n```", Pattern.DOTALL);
    Matcher m = fence.matcher(Files.readString(page));
    List<Block> out = new ArrayList<>();
    while (m.find()) {
      out.add(new Block(language, m.group(1)));
    }
    return out;
  }

  /** The text of every file under {@code root} whose name ends with {@code suffix}. */
  public static List<String> sources(Path root, String suffix) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(suffix)).sorted().toList()) {
        out.add(Files.readString(file));
      }
    }
    return out;
  }

  /** Whether {@code source} holds {@code block}'s lines in a row, each indented by one same run. */
  public static boolean quotes(String source, String block) {
    List<String> lines = block.lines().toList();
    List<String> sourceLines = source.lines().toList();
    if (lines.isEmpty() || lines.getFirst().isEmpty()) {
      return false;
    }
    for (int start = 0; start + lines.size() <= sourceLines.size(); start++) {
      String first = sourceLines.get(start);
      if (!first.endsWith(lines.getFirst())) {
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
}
