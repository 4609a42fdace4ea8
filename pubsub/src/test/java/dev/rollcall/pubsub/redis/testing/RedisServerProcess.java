package dev.rollcall.pubsub.redis.testing;

import dev.rollcall.testing.ExternalTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} on a free loopback port, for tests: started from {@code PATH} (or
 * {@code $ROLLCALL_REDIS_SERVER}), else from the binary bundled in {@code
 * com.github.codemonstur:embedded-redis}. It can be stopped, killed and restarted on the same port,
 * and is always killed on {@link #close()} or JVM exit.
 *
 * <p>No redis-server at all: the calling test is skipped with a loud message, or fails when {@code
 * CI=true}. Not thread-safe: one test drives it.
 */
public final class RedisServerProcess implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "redis-reaper"));
  }

  private static volatile Path binary;

  private final Path dir;
  private final int port;
  private Process process;

  private RedisServerProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a redis-server on a free port and waits until it answers PING. */
  public static RedisServerProcess start() {
    Path executable = binary();
    for (int attempt = 1; ; attempt++) {
      RedisServerProcess server;
      try {
        server = new RedisServerProcess(Files.createTempDirectory("rollcall-redis-"), freePort());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        server.launch(executable);
        return server;
      } catch (IllegalStateException e) {
        server.close();
        // The free port can be taken by another process before redis-server binds it: pick
        // another.
        if (attempt == 3 || !e.getMessage().contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: the server vanishes without closing its clients' sessions politely. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(process);
      LIVE.remove(process);
      process = null;
    }
  }

  /** SIGTERM: redis closes its client connections and exits. */
  public void stop() {
    if (process != null) {
      process.destroy();
      if (!waitFor(process)) {
        process.destroyForcibly();
        waitFor(process);
      }
      LIVE.remove(process);
      process = null;
    }
  }

  /** Starts the server again on the same port (after {@link #stop} or {@link #kill}). */
  public void restart() {
    if (isRunning()) {
      throw new IllegalStateException("redis-server is still running on " + port);
    }
    launch(binary());
  }

  /** Sends one command (inline form) and returns the first reply line, e.g. {@code "+PONG"}. */
  public String command(String inlineCommand) throws IOException {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return readLine(socket.getInputStream());
    }
  }

  /** The server's log, for diagnosing a failed test. */
  public String log() {
    try {
      Path log = dir.resolve("redis.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  private void launch(Path executable) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(
        List.of(
            "--port", Integer.toString(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--daemonize", "no",
            "--dir", dir.toString(),
            "--logfile", dir.resolve("redis.log").toString()));
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.stdout").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
    LIVE.add(process);
    Process started = process;
    try {
      Awaitility.await("redis-server answering PING on " + port)
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .ignoreExceptionsInstanceOf(IOException.class)
          .failFast("redis-server exited", () -> !started.isAlive())
          .until(() -> "+PONG".equals(command("PING")));
    } catch (RuntimeException | AssertionError e) {
      kill();
      throw new IllegalStateException("redis-server did not start on " + port + ":\n" + log(), e);
    }
  }

  /** The redis-server to run, found once; skips or fails the test when there is none. */
  public static Path binary() {
    Path found = binary;
    if (found == null) {
      synchronized (RedisServerProcess.class) {
        if (binary == null) {
          binary = locate();
          System.err.println("redis tests run " + binary);
        }
        found = binary;
      }
    }
    return found;
  }

  private static Path locate() {
    List<String> tried = new ArrayList<>();
    String override = System.getenv("ROLLCALL_REDIS_SERVER");
    if (override != null && !override.isBlank()) {
      if (runs(Path.of(override))) {
        return Path.of(override);
      }
      tried.add("$ROLLCALL_REDIS_SERVER=" + override);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String entry : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, "redis-server");
      if (Files.isExecutable(candidate) && runs(candidate)) {
        return candidate;
      }
    }
    tried.add("redis-server on PATH");
    try {
      // embedded-redis ships redis-server binaries as jar resources and extracts the one for this
      // OS and architecture to a temp file.
      Path bundled = ExecutableProvider.newJarResourceProvider().get().toPath();
      bundled.toFile().setExecutable(true);
      if (runs(bundled)) {
        return bundled;
      }
      tried.add("embedded-redis binary " + bundled + " (does not run here)");
    } catch (IOException | RuntimeException | LinkageError e) {
      tried.add("embedded-redis binary (" + e + ")");
    }
    throw ExternalTool.missing(
        "no usable redis-server (tried "
            + String.join(", ", tried)
            + "): the Redis tests cannot run",
        "apt-get install redis-server");
  }

  private static boolean runs(Path executable) {
    try {
      Process p =
          new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        in.readAllBytes();
      }
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A port that was free a moment ago (the kernel picks it; a race with others is unlikely). */
  public static int freePort() {
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    var line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private static boolean waitFor(Process process) {
    try {
      return process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
