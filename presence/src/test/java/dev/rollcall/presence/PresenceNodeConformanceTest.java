package dev.rollcall.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.Socket;
import dev.rollcall.presence.tracker.TrackerConfig;
import dev.rollcall.pubsub.LocalPubSub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js} (node --test with the official phoenix npm {@code Presence}, pinned in
 * package-lock.json) against an endpoint whose rooms track every client, with the default diff
 * window so coalesced diffs are what phoenix.js merges. Without node/npm it skips loudly locally
 * and fails under {@code CI=true}.
 */
class PresenceNodeConformanceTest {
  private static final Path JS = Path.of("src/test/js");

  @Test
  void officialPhoenixPresenceAgreesWithTheServer() throws Exception {
    requireTool("node");
    requireTool("npm");
    installDependencies();
    PresenceConfig config =
        PresenceConfig.defaults()
            .withTracker(
                new TrackerConfig(
                    "presence",
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(10),
                    Duration.ofMillis(20)));
    try (LocalPubSub pubSub = new LocalPubSub("node-a");
        Presence presence = Presence.start(pubSub, config);
        Endpoint endpoint =
            Endpoint.builder()
                .config(EndpointConfig.defaults().withHost("127.0.0.1").withPort(0))
                .pubSub(pubSub)
                .socket(
                    Socket.builder()
                        .channel("room:*", () -> new PresenceRoomChannel(presence))
                        .build())
                .start()) {
      int exit =
          run(
              List.of("node", "--test", "--test-reporter=spec"),
              "ROLLCALL_URL",
              "ws://127.0.0.1:" + endpoint.port() + "/socket");
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
    String message = tool + " is not installed: the phoenix.js Presence conformance cannot run";
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
