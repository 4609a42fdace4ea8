package dev.rollcall.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code node --test} suite in a folder with its own pinned package-lock.json. Without node or
 * npm it skips loudly locally and fails under {@code CI=true}. Stateless apart from its folder.
 */
public record NodeSuite(Path dir, String what) {

  /** Checks node and npm, then runs {@code npm ci} only when node_modules is missing or stale. */
  public NodeSuite prepare() throws IOException, InterruptedException {
    require("node");
    require("npm");
    Path installed = dir.resolve("node_modules/.package-lock.json");
    Path lock = dir.resolve("package-lock.json");
    if (!Files.exists(installed)
        || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) < 0) {
      int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of());
      if (exit != 0) {
        throw new AssertionError("npm ci in " + dir + " exited with " + exit + " (output above)");
      }
    }
    return this;
  }

  /**
   * Runs {@code node --test --test-reporter=spec} with {@code env} and {@code args} (options and
   * test files; none: every test file node finds), streaming its output; returns the exit code.
   */
  public int test(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec"));
    command.addAll(List.of(args));
    return run(command, env);
  }

  private void require(String tool) {
    boolean present;
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    if (present) {
      return;
    }
    throw ExternalTool.missing(
        tool + " is not installed: " + what + " cannot run", "install Node.js 18+ with npm");
  }

  private int run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        System.out.println("[" + command.get(0) + "] " + line);
      }
    }
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 3 minutes");
    }
    return process.exitValue();
  }
}
