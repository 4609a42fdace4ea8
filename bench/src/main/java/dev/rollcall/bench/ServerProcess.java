package dev.rollcall.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test: Rollcall (the {@code ./rollcall} launcher) or the Socket.IO baseline,
 * started by the tool on a free loopback port, or given by URL (then memory is known only with a
 * pid). Also reads the server's memory: heap after a full GC and RSS. Used by one thread.
 */
final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade: Socket.IO would take it
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** The longest wait for a server to go quiet before its memory is read. */
  private static final Duration QUIET_LIMIT = Duration.ofSeconds(30);

  /** USER_HZ, the unit of /proc/PID/stat CPU times: 100 on Linux (x86 and arm). */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  final String name;
  final Worker.Protocol protocol;
  final URI url;
  final List<URI> urls; // url first; more than one for a cluster given as --url a,b,c
  private final Process process; // null when not ours
  private final long pid; // 0 when unknown
  private final Path log;

  /**
   * Heap after a full GC and resident set size, in bytes, and the connections the server itself
   * counts (Rollcall's {@code /metrics}; joins whose client timed out may still be held); -1 where
   * unknown.
   */
  record Memory(long heapBytes, long rssBytes, long connections) {
    static final Memory UNKNOWN = new Memory(-1, -1, -1);
  }

  private ServerProcess(
      String name, Worker.Protocol protocol, List<URI> urls, Process process, long pid, Path log) {
    this.name = name;
    this.protocol = protocol;
    this.url = urls.getFirst();
    this.urls = List.copyOf(urls);
    if (process != null) {
      // A bench stopped by a signal (timeout, Ctrl-C) must not leave its servers running.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    process.descendants().forEach(ProcessHandle::destroy);
                    process.destroy();
                  }));
    }
    this.process = process;
    this.pid = pid;
    this.log = log;
  }

  static ServerProcess external(String name, Worker.Protocol protocol, List<URI> urls, long pid) {
    return new ServerProcess(name, protocol, urls, null, pid, null);
  }

  /**
   * {@code ./rollcall --port P --host 127.0.0.1}; builds it first if needed (the launcher does).
   */
  static ServerProcess startRollcall(Path root, String jvmOptions, Duration limit)
      throws IOException, InterruptedException {
    return startRollcall(
        List.of(root.resolve("rollcall").toString()), root, jvmOptions, limit, List.of());
  }

  /**
   * {@code ./rollcall --redis URI --node NAME ...}: one node of a cluster whose nodes share the
   * lobby over that Redis.
   */
  static ServerProcess startRollcallNode(
      Path root, String jvmOptions, String redisUri, String node, Duration limit)
      throws IOException, InterruptedException {
    return startRollcall(
        List.of(root.resolve("rollcall").toString()),
        root,
        jvmOptions,
        limit,
        List.of("--redis", redisUri, "--node", node));
  }

  /**
   * {@code java -jar rollcall-dispatch.jar --port P ... args}: the built jar, without the launcher.
   */
  static ServerProcess startRollcallJar(Path jar, String jvmOptions, Duration limit, String... args)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(List.of(jvmOptions.trim().split("\\s+")));
    command.addAll(List.of("-jar", jar.toString()));
    return startRollcall(command, jar.getParent(), "", limit, List.of(args));
  }

  private static ServerProcess startRollcall(
      List<String> launch, Path dir, String jvmOptions, Duration limit, List<String> more)
      throws IOException, InterruptedException {
    int port = freePort();
    Path log = Files.createTempFile("rollcall-bench-server", ".log");
    List<String> command = new ArrayList<>(launch);
    command.addAll(
        List.of(
            "--port", Integer.toString(port), "--host", "127.0.0.1", "--notify-interval", "1h"));
    command.addAll(more);
    var builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("ROLLCALL_JAVA_OPTS", jvmOptions);
    Process process = builder.start();
    var server =
        new ServerProcess(
            "rollcall",
            Worker.Protocol.PHOENIX,
            List.of(URI.create("ws://127.0.0.1:" + port + "/socket/websocket")),
            process,
            process.pid(),
            log);
    server.awaitHealthy(URI.create("http://127.0.0.1:" + port + "/healthz"), limit);
    return server;
  }

  /** {@code node --expose-gc bench/peers/socketio/server.js}, after {@code npm ci} if needed. */
  static ServerProcess startSocketIo(Path root, Duration limit)
      throws IOException, InterruptedException {
    Path dir = root.resolve("bench/peers/socketio");
    if (!Files.isDirectory(dir.resolve("node_modules/socket.io"))) {
      Process npm =
          new ProcessBuilder("npm", "ci", "--silent", "--no-audit", "--no-fund")
              .directory(dir.toFile())
              .inheritIO()
              .start();
      if (npm.waitFor() != 0) {
        throw new IOException("npm ci failed in " + dir);
      }
    }
    int port = freePort();
    Path log = Files.createTempFile("rollcall-bench-socketio", ".log");
    Process process =
        new ProcessBuilder("node", "--expose-gc", "server.js", "--port", Integer.toString(port))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    var server =
        new ServerProcess(
            "socket.io",
            Worker.Protocol.SOCKETIO,
            List.of(URI.create("http://127.0.0.1:" + port)),
            process,
            process.pid(),
            log);
    server.awaitHealthy(URI.create("http://127.0.0.1:" + port + "/healthz"), limit);
    return server;
  }

  private void awaitHealthy(URI health, Duration limit) throws IOException, InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + "; log: " + tail());
      }
      try {
        var response =
            HTTP.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    close();
    throw new IOException(name + " not healthy within " + limit + "; log: " + tail());
  }

  /** Server memory now: heap after a forced full GC, and RSS. */
  Memory memory() {
    try {
      if (protocol == Worker.Protocol.SOCKETIO) {
        var response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/stats"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<?, ?> stats = new ObjectMapper().readValue(response.body(), Map.class);
        return new Memory(
            ((Number) stats.get("heapUsed")).longValue(),
            ((Number) stats.get("rss")).longValue(),
            -1);
      }
      if (pid <= 0) {
        return Memory.UNKNOWN;
      }
      long heap = heapAfterGc();
      return new Memory(heap, rss(pid), serverConnections());
    } catch (IOException | RuntimeException e) {
      return Memory.UNKNOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Memory.UNKNOWN;
    }
  }

  /**
   * Heap used right after a full GC, read once the server has gone quiet. Both commands go through
   * one jcmd attach ({@code -f}): with two attaches, each taking 1-4 s on this loaded machine, a
   * server still busy after the ramp (joins whose clients had timed out, their O(N)
   * presence_states) allocated up to 80 MB of garbage between the GC and the reading, which made
   * the 10k {@code --url auto} runs report ~14 KB per hero instead of ~4.6 KB.
   */
  private long heapAfterGc() throws IOException, InterruptedException {
    awaitQuiet();
    Path commands = Files.createTempFile("rollcall-bench-jcmd", ".txt");
    try {
      Files.writeString(commands, "GC.run\nGC.heap_info\n");
      Matcher used = USED.matcher(jcmd("-f", commands.toString()));
      return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    } finally {
      Files.deleteIfExists(commands);
    }
  }

  /**
   * Waits (at most {@link #QUIET_LIMIT}) until the server used under a tenth of a core over a
   * second: it has finished the work the ramp left queued, so what a GC keeps is what the idle
   * connections hold.
   */
  private void awaitQuiet() throws IOException, InterruptedException {
    long end = System.nanoTime() + QUIET_LIMIT.toNanos();
    long ticks = cpuTicks(pid);
    while (ticks >= 0 && System.nanoTime() < end) {
      Thread.sleep(1000);
      long now = cpuTicks(pid);
      if (now - ticks < CLOCK_TICKS_PER_SECOND / 10) {
        return;
      }
      ticks = now;
    }
  }

  /** {@code rollcall_connections} from the server's {@code /metrics}, or -1 (not Rollcall). */
  private long serverConnections() {
    return metric(url, "rollcall_connections");
  }

  /**
   * One figure of the {@code /metrics} of the server behind the socket URL {@code socket}, or -1
   * when it has none (not Rollcall, or unreachable).
   */
  static long metric(URI socket, String name) {
    try {
      URI metrics = URI.create("http://" + socket.getHost() + ":" + socket.getPort() + "/metrics");
      var response =
          HTTP.send(
              HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response
          .body()
          .lines()
          .filter(line -> line.startsWith(name + " "))
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
          .findFirst()
          .orElse(-1);
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** User + system CPU time of a process in clock ticks (USER_HZ), or -1 if unknown. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may contain spaces) start after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private String jcmd(String... command) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path jcmd = Path.of(java).resolveSibling("jcmd");
    List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  String tail() {
    if (log == null) {
      return "";
    }
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    // The launcher execs java, so the process is the server itself.
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    process.destroy();
    all.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file
    }
  }
}
