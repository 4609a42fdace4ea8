package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.testing.RunningEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js} (node --test with the official phoenix npm client, pinned in
 * package-lock.json) against an endpoint serving the test socket. Without node/npm it skips loudly
 * locally and fails under {@code CI=true}.
 */
class NodeConformanceTest {
  private static final Path JS = Path.of("src/test/js");

  @Test
  void officialPhoenixClientConformance() throws Exception {
    requireTool("node");
    requireTool("npm");
    installDependencies();
    AtomicReference<Endpoint> self = new AtomicReference<>();
    try (RunningEndpoint server =
        new RunningEndpoint(
            config -> config,
            builder ->
                builder.http(
                    "/test/disconnect",
                    request -> {
                      // lets the suite make the server drop a connection (disconnect by socket id)
                      self.get().disconnect(request.query().get("id"));
                      return new HttpRoute.Response(204, null, new byte[0]);
                    }))) {
      self.set(server.endpoint);
      int exit =
          run(
              List.of("node", "--test", "--test-reporter=spec"),
              "ROLLCALL_URL",
              "ws://127.0.0.1:" + server.port() + "/socket",
              "ROLLCALL_HTTP",
              "http://127.0.0.1:" + server.port());
      assertThat(exit).as("node --test exit code (output above)").isZero();
    }
  }

  /** {@code npm ci} only when node_modules is missing or older than the lock file. */
  private static void installDependencies() throws Exception {
    Path installed = JS.resolve("node_modules/.package-lock.json");
    Path lock = JS.resolve("package-lock.json");
    if (Files.exists(installed)
        && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund"));
    assertThat(exit).as("npm ci exit code (output above)").isZero();
  }

  private static void requireTool(String tool) {
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
    String message = tool + " is not installed: the phoenix.js conformance suite cannot run";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message + " (CI=true: a missing dependency is a failure)");
    }
    System.err.println("\n!!!!! SKIPPED: " + message + " !!!!!\n");
    Assumptions.abort(message);
  }

  /** Runs a command in src/test/js, streaming its output into the test log. */
  private static int run(List<String> command, String... env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(JS.toFile());
    builder.redirectErrorStream(true);
    for (int i = 0; i < env.length; i += 2) {
      builder.environment().put(env[i], env[i + 1]);
    }
    Process process = builder.start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        System.out.println("[" + command.get(0) + "] " + line);
      }
    }
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 3 minutes");
    }
    return process.exitValue();
  }
}
