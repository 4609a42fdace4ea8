package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.testing.ExternalTool;
import dev.rollcall.testing.NodeSuite;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the real launcher ({@code java -jar target/rollcall-dispatch.jar}) and drives it with the
 * official phoenix client on Node ({@code src/test/js/lobby.test.js}) and with real Chromium
 * ({@code browser.test.js}). A missing node or chromium skips loudly; under CI it fails.
 */
class DispatchEndToEndIT {
  private static NodeSuite suite;
  private static final Path JAR = Path.of(System.getProperty("dispatch.jar"));
  private static final Path JS = Path.of(System.getProperty("dispatch.js"));
  private static final Path TARGET = Path.of(System.getProperty("dispatch.target"));

  @BeforeAll
  static void installTestClients() throws Exception {
    suite = new NodeSuite(JS, "the end-to-end tests").prepare();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void officialPhoenixClientAgainstTheLauncher() throws Exception {
    try (var server = Launcher.start("e2e-node", "200ms")) {
      int exit =
          suite.test(
              Map.of("DISPATCH_URL", server.url(), "NOTIFY_INTERVAL_MS", "200"),
              "--test-concurrency=1",
              "lobby.test.js",
              "frames.test.js");
      assertThat(exit).as("node --test lobby.test.js (output above)").isZero();
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void dispatchOffersWithTheOfficialPhoenixClient() throws Exception {
    try (var server =
        Launcher.start(
            "e2e-dispatch", "1h", "--offer-timeout", "1500ms", "--reassign-after", "2s")) {
      int exit =
          suite.test(
              Map.of(
                  "DISPATCH_URL", server.url(),
                  "OFFER_TIMEOUT_MS", "1500",
                  "REASSIGN_AFTER_MS", "2000"),
              "--test-concurrency=1",
              "dispatch.test.js");
      assertThat(exit).as("node --test dispatch.test.js (output above)").isZero();
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void notificationHistoryWithTheOfficialPhoenixClient() throws Exception {
    try (var server = Launcher.start("e2e-history", "1h", "--history-size", "12")) {
      int exit =
          suite.test(
              Map.of("DISPATCH_URL", server.url(), "HISTORY_SIZE", "12"),
              "--test-concurrency=1",
              "history.test.js");
      assertThat(exit).as("node --test history.test.js (output above)").isZero();
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void twoPeopleInChromium() throws Exception {
    String chrome = System.getenv("CHROME_PATH");
    if (chrome == null || chrome.isBlank()) {
      chrome =
          ExternalTool.onPath("chromium")
              .orElseThrow(
                  () ->
                      ExternalTool.missing(
                          "chromium is not installed: the browser test cannot run",
                          "apt-get install chromium, or set CHROME_PATH"))
              .toString();
    }
    // An hour: the internal service stays quiet, so each page's 5-entry feed holds only our sends.
    try (var server = Launcher.start("e2e-browser", "1h")) {
      int exit =
          suite.test(
              Map.of(
                  "DISPATCH_URL", server.url(),
                  "CHROME_PATH", chrome,
                  "SCREENSHOT_DIR", TARGET.toString()),
              "--test-concurrency=1",
              "browser.test.js");
      assertThat(exit).as("node --test browser.test.js (output above)").isZero();
    }
    assertThat(TARGET.resolve("browser-hero-A.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-hero-B.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-dispatch-A.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-dispatch-B.png")).isNotEmptyFile();
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aLauncherThatCannotStartExitsWithOneClearLine() throws Exception {
    try (var taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      var busy = launch("--port", String.valueOf(taken.getLocalPort()), "--host", "127.0.0.1");
      assertThat(busy.exit()).isEqualTo(1);
      assertThat(busy.output())
          .contains("rollcall: could not start on 127.0.0.1:" + taken.getLocalPort())
          .contains("Address already in use");
    }
    var typo = launch("--notify-interval", "5");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.output())
        .contains(
            "rollcall: --notify-interval must be a number with ms, s, m or h (like 200ms or 5s),"
                + " got 5");
    var help = launch("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.output()).startsWith("Usage: rollcall [options]");
  }

  private record Outcome(int exit, String output) {}

  private static Outcome launch(String... args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("launcher " + List.of(args) + " did not exit:\n" + output);
    }
    return new Outcome(process.exitValue(), output);
  }

  /** The launcher as a user runs it, on a free loopback port. */
  private record Launcher(Process process, int port, Path log) implements AutoCloseable {
    static Launcher start(String node, String interval, String... flags) throws IOException {
      assertThat(JAR).as("the shaded jar (built in the package phase)").exists();
      int port;
      try (var probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      Path log = TARGET.resolve(node + ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
      command.addAll(
          List.of(
              "--port",
              String.valueOf(port),
              "--host",
              "127.0.0.1",
              "--node",
              node,
              "--notify-interval",
              interval));
      command.addAll(List.of(flags));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      var launcher = new Launcher(process, port, log);
      var http = HttpClient.newHttpClient();
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> {
                  if (!process.isAlive()) {
                    throw new AssertionError(
                        "launcher exited with " + process.exitValue() + ":\n" + launcher.output());
                  }
                  var response =
                      http.send(
                          HttpRequest.newBuilder(URI.create(launcher.url() + "/healthz")).build(),
                          HttpResponse.BodyHandlers.ofString());
                  return response.statusCode() == 200;
                });
      } catch (RuntimeException | Error e) {
        launcher.close();
        throw new AssertionError("launcher did not become healthy:\n" + launcher.output(), e);
      }
      return launcher;
    }

    String url() {
      return "http://127.0.0.1:" + port;
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    /** SIGTERM, as Ctrl-C: the launcher shuts down gracefully and exits. */
    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("launcher did not shut down on SIGTERM:\n" + output());
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      String output = output();
      System.out.println("---- launcher " + log.getFileName() + " ----\n" + output);
      assertThat(output).as("graceful shutdown on SIGTERM").contains("shutting down");
    }
  }
}
