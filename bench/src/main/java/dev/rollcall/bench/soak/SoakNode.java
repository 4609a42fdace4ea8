package dev.rollcall.bench.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One launcher JVM ({@code java -jar rollcall-dispatch.jar --redis ...}) and what the soak reads
 * from it: heap (jcmd), threads and RSS (/proc/pid/status), open files (/proc/pid/fd) and its
 * /metrics. Used by one thread at a time.
 */
final class SoakNode implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  final String name;
  final int port;
  private final Process process;
  private final Path log;

  /** What one look at the node shows. */
  record Sample(long heapBytes, long rssBytes, int threads, int fds, Map<String, Double> metrics) {
    double metric(String name) {
      return metrics.getOrDefault(name, -1.0);
    }

    @Override
    public String toString() {
      return String.format(
          "conns %4.0f heap %5.1f MB rss %5.1f MB threads %3d fds %5d",
          metric("rollcall_connections"), heapBytes / 1e6, rssBytes / 1e6, threads, fds);
    }
  }

  private SoakNode(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  static SoakNode start(String name, SoakOptions options, String redisUri, String secret)
      throws IOException, InterruptedException {
    int port = freePort();
    Path log = Files.createTempFile("rollcall-soak-" + name, ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(List.of(options.nodeJvm().trim().split("\\s+")));
    command.addAll(
        List.of(
            "-jar",
            options.jar().toString(),
            "--port",
            Integer.toString(port),
            "--host",
            "127.0.0.1",
            "--node",
            name,
            "--redis",
            redisUri,
            "--notify-interval",
            "1s"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("ROLLCALL_SECRET", secret);
    SoakNode node = new SoakNode(name, port, builder.start(), log);
    node.awaitHealthy(Duration.ofSeconds(60));
    return node;
  }

  URI socketUrl() {
    return URI.create("ws://127.0.0.1:" + port + "/socket/websocket");
  }

  long pid() {
    return process.pid();
  }

  private void awaitHealthy(Duration limit) throws IOException, InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited; log " + log);
      }
      try {
        String body = get("/healthz");
        if (body.contains("\"redis\":\"up\"")) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IOException(name + " not healthy with Redis up within " + limit + "; log " + log);
  }

  /** Resources now; {@code afterGc} forces a full GC first (heap then shows what is live). */
  Sample sample(boolean afterGc) throws IOException, InterruptedException {
    if (afterGc) {
      jcmd("GC.run");
    }
    Matcher used = USED.matcher(jcmd("GC.heap_info"));
    long heap = used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    long rss = -1;
    int threads = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      } else if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
      }
    }
    int fds;
    try (Stream<Path> open = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
      fds = (int) open.count();
    }
    return new Sample(heap, rss, threads, fds, metrics());
  }

  Map<String, Double> metrics() throws IOException, InterruptedException {
    Map<String, Double> metrics = new HashMap<>();
    for (String line : get("/metrics").split("\n")) {
      if (line.startsWith("rollcall_")) {
        int space = line.lastIndexOf(' ');
        metrics.merge(
            line.substring(0, space), Double.parseDouble(line.substring(space + 1)), Double::sum);
      }
    }
    return metrics;
  }

  private String get(String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                Path.of(java).resolveSibling("jcmd").toString(), Long.toString(pid()), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** SIGTERM (a graceful shutdown), then SIGKILL after 15 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
