package dev.rollcall.dispatch.cluster;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One launcher JVM of a test cluster: {@code java -jar rollcall-dispatch.jar --port P --redis R
 * --node N --notify-interval I}, on a free loopback port, its output in {@code
 * target/cluster-<n>-<node>.log}. Killed on {@link #close()} and, failing that, at JVM exit. Not
 * thread-safe: one test drives it.
 */
final class ClusterNode implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger STARTS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CLUSTER_SECRET = "rollcall cluster test secret, 32+ characters long";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "node-reaper"));
  }

  private final String node;
  private final int port;
  private final Path log;
  private final Process process;

  private ClusterNode(String node, int port, Path log, Process process) {
    this.node = node;
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts a node and waits until {@code /healthz} says it serves and reaches Redis. */
  static ClusterNode start(String node, String redisUri, String notifyInterval, String... extra) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(node, redisUri, notifyInterval, extra);
      } catch (PortTaken e) {
        // The free port picked above can be taken before the node binds it (another process's
        // outgoing connection, this node's own Redis connections): pick another.
        if (attempt == 3) {
          throw new AssertionError("node " + node + " found its port taken three times", e);
        }
      }
    }
  }

  /** The node exited because its port was taken between choosing it and binding it. */
  private static final class PortTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTaken(String log) {
      super(log);
    }
  }

  private static ClusterNode startOnce(
      String node, String redisUri, String notifyInterval, String... extra) {
    Path jar = Path.of(System.getProperty("dispatch.jar", "target/rollcall-dispatch.jar"));
    if (!Files.exists(jar)) {
      throw new AssertionError(
          "the shaded jar " + jar + " is missing (built in the package phase)");
    }
    Path target = Path.of(System.getProperty("dispatch.target", "target"));
    int port = dev.rollcall.pubsub.redis.testing.RedisServerProcess.freePort();
    Path log = target.resolve("cluster-" + STARTS.incrementAndGet() + "-" + node + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                // Three JVMs share two cores with the test: small heaps, quick startup.
                "-Xmx192m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString()));
    command.addAll(
        List.of(
            "--port", Integer.toString(port),
            "--host", "127.0.0.1",
            "--redis", redisUri,
            "--node", node,
            "--notify-interval", notifyInterval));
    command.addAll(List.of(extra));
    Process process;
    try {
      var builder = new ProcessBuilder(command).redirectErrorStream(true);
      // One secret for the whole cluster, as in production: a hero token from one node is
      // genuine on every other, so a hero can reconnect elsewhere as the same hero.
      builder.environment().put("ROLLCALL_SECRET", CLUSTER_SECRET);
      process = builder.redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + command, e);
    }
    LIVE.add(process);
    var started = new ClusterNode(node, port, log, process);
    try {
      await("node " + node + " healthy with redis up")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .failFast("node " + node + " exited", () -> !process.isAlive())
          .until(() -> "up".equals(started.health().get("redis")));
    } catch (RuntimeException | AssertionError e) {
      started.close();
      String output = started.log();
      if (!process.isAlive() && output.contains("Address already in use")) {
        throw new PortTaken(output);
      }
      throw new AssertionError("node " + node + " did not start:\n" + output, e);
    }
    return started;
  }

  String node() {
    return node;
  }

  int port() {
    return port;
  }

  URI socketUri() {
    return URI.create("ws://127.0.0.1:" + port + "/socket/websocket");
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** {@code GET /healthz} as JSON; throws when the node does not answer 200. */
  Map<String, Object> health() throws IOException, InterruptedException {
    var response = get("/healthz");
    if (response.statusCode() != 200) {
      throw new IOException("healthz " + response.statusCode() + ": " + response.body());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> body = JSON.readValue(response.body(), Map.class);
    return body;
  }

  /** One sample of a Prometheus counter or gauge from {@code /metrics}, or 0 when absent. */
  double metric(String name) throws IOException, InterruptedException {
    String text = get("/metrics").body();
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$", Pattern.MULTILINE)
            .matcher(text);
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(1));
    }
    return sum;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(3))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** SIGKILL: the node vanishes without saying goodbye. */
  void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGTERM: the launcher shuts down gracefully; fails if it does not exit in 20 s. */
  void stop() {
    process.destroy();
    if (!waitForExit()) {
      process.destroyForcibly();
      throw new AssertionError("node " + node + " did not exit on SIGTERM:\n" + log());
    }
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitForExit();
    }
    LIVE.remove(process);
  }

  private boolean waitForExit() {
    try {
      boolean exited = process.waitFor(20, TimeUnit.SECONDS);
      if (exited) {
        LIVE.remove(process);
      }
      return exited;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String toString() {
    return "node " + node + " on " + port;
  }
}
