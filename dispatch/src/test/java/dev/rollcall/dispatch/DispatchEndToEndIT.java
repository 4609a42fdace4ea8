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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * The same lobby scenarios with every hero over phoenix.js's LongPoll, then long-poll and
   * WebSocket heroes together. A two-second window: a hero whose client stops polling leaves within
   * the suite's waits (1.5 windows), and one whose next poll a loaded machine holds back for a
   * second keeps its session (half a window).
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void officialPhoenixClientOverLongPoll() throws Exception {
    try (var server = Launcher.start("e2e-longpoll", "200ms", "--longpoll-window", "2s")) {
      int exit =
          suite.test(
              Map.of(
                  "DISPATCH_URL",
                  server.url(),
                  "NOTIFY_INTERVAL_MS",
                  "200",
                  "TRANSPORT",
                  "longpoll"),
              "--test-concurrency=1",
              "lobby.test.js",
              "transports.test.js");
      assertThat(exit).as("node --test lobby.test.js over long-poll (output above)").isZero();
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void dispatchOffersWithTheOfficialPhoenixClient() throws Exception {
    // Short enough for the suite to wait them out, long enough for a loaded machine to answer an
    // offer and to reconnect a hero before they run out.
    try (var server =
        Launcher.start("e2e-dispatch", "1h", "--offer-timeout", "5s", "--reassign-after", "5s")) {
      int exit =
          suite.test(
              Map.of(
                  "DISPATCH_URL", server.url(),
                  "OFFER_TIMEOUT_MS", "5000",
                  "REASSIGN_AFTER_MS", "5000"),
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
              "browser.test.js",
              "browser-longpoll.test.js",
              "browser-summary.test.js");
      assertThat(exit).as("node --test browser.test.js (output above)").isZero();
    }
    assertThat(TARGET.resolve("browser-hero-A.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-hero-B.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-dispatch-A.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-dispatch-B.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-longpoll-hero.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-websocket-hero.png")).isNotEmptyFile();
    assertThat(TARGET.resolve("browser-summary.png")).isNotEmptyFile();
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

  /** The lobby suite with permessage-deflate negotiated on every WebSocket (ws offers it). */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void officialPhoenixClientWithCompression() throws Exception {
    try (var server = Launcher.start("e2e-deflate", "200ms", "--compress", "on")) {
      int exit =
          suite.test(
              Map.of("DISPATCH_URL", server.url(), "NOTIFY_INTERVAL_MS", "200"),
              "--test-concurrency=1",
              "lobby.test.js",
              "compress.test.js");
      assertThat(exit).as("node --test lobby.test.js with --compress on (output above)").isZero();
    }
  }

  /**
   * The launcher with a self-signed certificate made by the {@code openssl} CLI: phoenix.js joins
   * over {@code wss://} and over long-poll on {@code https://} ({@code tls.test.js}).
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void officialPhoenixClientOverTls() throws Exception {
    String openssl =
        ExternalTool.onPath("openssl")
            .orElseThrow(
                () ->
                    ExternalTool.missing(
                        "openssl is not installed: the TLS test cannot make its certificate",
                        "apt-get install openssl"))
            .toString();
    Path cert = TARGET.resolve("e2e-tls-cert.pem");
    Path key = TARGET.resolve("e2e-tls-key.pem");
    Process req =
        new ProcessBuilder(
                openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .start();
    String made = new String(req.getInputStream().readAllBytes());
    assertThat(req.waitFor(60, TimeUnit.SECONDS) && req.exitValue() == 0).as(made).isTrue();
    try (var server =
        Launcher.start(
            "e2e-tls", "1h", "--tls-cert", cert.toString(), "--tls-key", key.toString())) {
      assertThat(server.url()).startsWith("https://");
      int exit =
          suite.test(
              Map.of("DISPATCH_URL", server.url(), "NODE_TLS_REJECT_UNAUTHORIZED", "0"),
              "--test-concurrency=1",
              "tls.test.js");
      assertThat(exit).as("node --test tls.test.js (output above)").isZero();
    }
  }

  /**
   * The launcher as a user runs it, on a loopback port it picks itself ({@code --port 0}): a port
   * the test chose and released could be taken by another process before the launcher binds it.
   */
  private record Launcher(Process process, int port, Path log, boolean tls)
      implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Rollcall dispatch on \\S+:(\\d+) ");

    static Launcher start(String node, String interval, String... extra) throws IOException {
      assertThat(JAR).as("the shaded jar (built in the package phase)").exists();
      Path log = TARGET.resolve(node + ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
      command.addAll(
          List.of(
              "--port", "0", "--host", "127.0.0.1", "--node", node, "--notify-interval", interval));
      command.addAll(List.of(extra));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean tls = List.of(extra).contains("--tls-cert");
      var starting = new Launcher(process, 0, log, tls);
      Launcher launcher;
      try {
        String listening =
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .failFast("launcher exited", () -> !process.isAlive())
                .until(() -> LISTENING.matcher(starting.output()), Matcher::find)
                .group(1);
        launcher = new Launcher(process, Integer.parseInt(listening), log, tls);
      } catch (RuntimeException | Error e) {
        process.destroyForcibly();
        throw new AssertionError("launcher did not start:\n" + starting.output(), e);
      }
      var http = tls ? trustingAnyCertificate() : HttpClient.newHttpClient();
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
      return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }

    /** For the health check of a launcher with the test's self-signed certificate. */
    private static HttpClient trustingAnyCertificate() {
      try {
        var trustAll =
            new javax.net.ssl.X509TrustManager() {
              @Override
              public void checkClientTrusted(
                  java.security.cert.X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(
                  java.security.cert.X509Certificate[] chain, String authType) {}

              @Override
              public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
              }
            };
        var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
        var parameters = new javax.net.ssl.SSLParameters();
        parameters.setEndpointIdentificationAlgorithm(null);
        return HttpClient.newBuilder().sslContext(ssl).sslParameters(parameters).build();
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
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
