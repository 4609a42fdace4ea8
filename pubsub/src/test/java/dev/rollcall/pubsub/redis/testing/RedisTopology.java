package dev.rollcall.pubsub.redis.testing;

import dev.rollcall.testing.ExternalTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * Real multi-process Redis deployments for tests, each process in its own temp dir on a free
 * loopback port: a Redis Cluster of masters with one replica each ({@link #cluster}), or a master,
 * a replica and Sentinels ({@link #sentinel}). Everything is killed on {@link #close()} or JVM
 * exit.
 *
 * <p>Needs {@code redis-server} (≥ 7 for sharded pub/sub) and {@code redis-cli}; Sentinels run as
 * {@code redis-server --sentinel} when there is no {@code redis-sentinel}. A missing tool skips the
 * calling test loudly, or fails it under {@code CI=true}. Not thread-safe: one test drives it.
 */
public final class RedisTopology implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "redis-topology-reaper"));
  }

  /** One redis-server process (a data node or a Sentinel). */
  public static final class Node {
    private final String role;
    private final int port;
    private final Path dir;
    private Process process;

    private Node(String role, int port, Path dir) {
      this.role = role;
      this.port = port;
      this.dir = dir;
    }

    public int port() {
      return port;
    }

    public String role() {
      return role;
    }

    public boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** SIGKILL: gone without a word to its clients or peers. */
    public void kill() {
      if (process != null) {
        process.destroyForcibly();
        try {
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
        process = null;
      }
    }

    /** One command in inline form; every line of the reply (a bulk reply's text included). */
    public String command(String inlineCommand) throws IOException {
      try (var socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        String first = readLine(in);
        if (first.startsWith("$")) {
          int length = Integer.parseInt(first.substring(1));
          if (length < 0) {
            return "";
          }
          byte[] body = in.readNBytes(length + 2);
          return new String(body, 0, length, StandardCharsets.UTF_8);
        }
        if (first.startsWith("*")) {
          var lines = new StringBuilder();
          int count = Integer.parseInt(first.substring(1));
          for (int i = 0; i < count; i++) {
            String header = readLine(in);
            if (header.startsWith("$")) {
              lines.append(readLine(in)).append('\n');
            } else {
              lines.append(header).append('\n');
            }
          }
          return lines.toString();
        }
        return first;
      }
    }

    /** The process's log, for a failed test's message. */
    public String log() {
      try {
        Path log = dir.resolve("redis.log");
        return Files.exists(log) ? Files.readString(log) : "";
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    private void launch(List<String> command) {
      try {
        process =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.stdout").toFile())
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command, e);
      }
      LIVE.add(process);
      Process started = process;
      try {
        Awaitility.await(role + " answering PING on " + port)
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(20))
            .ignoreExceptionsInstanceOf(IOException.class)
            .failFast(role + " exited", () -> !started.isAlive())
            .until(() -> "+PONG".equals(command("PING")));
      } catch (RuntimeException | AssertionError e) {
        kill();
        throw new IllegalStateException(role + " did not start on " + port + ":\n" + log(), e);
      }
    }
  }

  private final Path root;
  private final List<Node> dataNodes = new ArrayList<>();
  private final List<Node> sentinels = new ArrayList<>();
  private final String masterName;

  private RedisTopology(Path root, String masterName) {
    this.root = root;
    this.masterName = masterName;
  }

  /**
   * A Redis Cluster of {@code masters} masters with one replica each, created with {@code redis-cli
   * --cluster create}, returned once every node reports {@code cluster_state:ok}. A master is
   * declared failed after {@code nodeTimeout} (its replica then takes over).
   */
  public static RedisTopology cluster(int masters, Duration nodeTimeout) {
    Path cli = tool("redis-cli", "redis-tools");
    Path server = RedisServerProcess.binary();
    String version = version(server);
    if (!version.matches("[7-9]\\..*|\\d{2,}\\..*")) {
      throw ExternalTool.missing(
          server + " is Redis " + version + ": the Redis Cluster tests need 7+ (sharded pub/sub)",
          "apt-get install redis-server (Debian bookworm has 7.0)");
    }
    var topology = new RedisTopology(tempDir("rollcall-redis-cluster-"), null);
    try {
      for (int i = 0; i < masters * 2; i++) {
        Node node = topology.newNode("cluster node " + i, topology.dataNodes);
        node.launch(
            serverArgs(
                server,
                node,
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                node.dir.resolve("nodes.conf").toString(),
                "--cluster-node-timeout",
                Long.toString(nodeTimeout.toMillis())));
      }
      List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
      topology.dataNodes.forEach(node -> create.add("127.0.0.1:" + node.port));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      run(create, topology.root.resolve("cluster-create.log"));
      Awaitility.await("every cluster node reports cluster_state:ok")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () ->
                  topology.dataNodes.stream()
                      .allMatch(node -> clusterInfo(node).contains("cluster_state:ok")));
      // A replica that has never synced with its master is not eligible to replace it: a master
      // killed right after the cluster formed would never be failed over.
      Awaitility.await("every replica in sync with its master")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () ->
                  topology.dataNodes.stream()
                          .map(RedisTopology::infoReplication)
                          .filter(info -> info.contains("role:slave"))
                          .filter(info -> info.contains("master_link_status:up"))
                          .count()
                      == masters);
      return topology;
    } catch (RuntimeException | AssertionError e) {
      topology.close();
      throw e;
    }
  }

  /**
   * A master, one replica and {@code sentinelCount} Sentinels watching it under {@code masterName}
   * with the given quorum; a master silent for {@code downAfter} is failed over.
   */
  public static RedisTopology sentinel(
      String masterName, int sentinelCount, int quorum, Duration downAfter) {
    Path server = RedisServerProcess.binary();
    Path sentinelBinary = ExternalTool.onPath("redis-sentinel").orElse(null);
    var topology = new RedisTopology(tempDir("rollcall-redis-sentinel-"), masterName);
    try {
      Node master = topology.newNode("master", topology.dataNodes);
      master.launch(serverArgs(server, master));
      Node replica = topology.newNode("replica", topology.dataNodes);
      replica.launch(
          serverArgs(server, replica, "--replicaof", "127.0.0.1", Integer.toString(master.port)));
      Awaitility.await("replica in sync with the master")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> replica.command("INFO replication").contains("master_link_status:up"));
      for (int i = 0; i < sentinelCount; i++) {
        Node sentinel = topology.newNode("sentinel " + i, topology.sentinels);
        Path conf = sentinel.dir.resolve("sentinel.conf");
        Files.writeString(
            conf,
            String.join(
                "\n",
                "port " + sentinel.port,
                "bind 127.0.0.1",
                "daemonize no",
                "dir " + sentinel.dir,
                "logfile " + sentinel.dir.resolve("redis.log"),
                "sentinel monitor " + masterName + " 127.0.0.1 " + master.port + " " + quorum,
                "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis(),
                "sentinel failover-timeout " + masterName + " 10000",
                "sentinel parallel-syncs " + masterName + " 1",
                ""));
        List<String> command =
            sentinelBinary != null
                ? List.of(sentinelBinary.toString(), conf.toString())
                : List.of(server.toString(), conf.toString(), "--sentinel");
        sentinel.launch(command);
      }
      Awaitility.await("every Sentinel sees the replica and the other Sentinels")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () ->
                  topology.sentinels.stream()
                      .allMatch(
                          s -> {
                            String info = infoSentinel(s);
                            return info.contains("slaves=1")
                                && info.contains("sentinels=" + sentinelCount);
                          }));
      return topology;
    } catch (IOException e) {
      topology.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | AssertionError e) {
      topology.close();
      throw e;
    }
  }

  /** {@code redis-cluster://127.0.0.1:p1,...} or {@code redis-sentinel://127.0.0.1:s1,.../name}. */
  public String uri() {
    return uri(dataNodes.getFirst());
  }

  /** As {@link #uri()}, with {@code first} as the first seed (cluster): the worst node to lose. */
  public String uri(Node first) {
    if (masterName == null) {
      return "redis-cluster://"
          + Stream.concat(Stream.of(first), dataNodes.stream().filter(node -> node != first))
              .map(node -> "127.0.0.1:" + node.port)
              .collect(Collectors.joining(","));
    }
    return "redis-sentinel://"
        + sentinels.stream().map(node -> "127.0.0.1:" + node.port).collect(Collectors.joining(","))
        + "/"
        + masterName;
  }

  public List<Node> dataNodes() {
    return List.copyOf(dataNodes);
  }

  public List<Node> sentinels() {
    return List.copyOf(sentinels);
  }

  /**
   * The live data node that is master for {@code key}'s slot (cluster), or the master (sentinel).
   */
  public Node masterFor(String key) throws IOException {
    if (masterName != null) {
      for (Node node : dataNodes) {
        if (node.isRunning() && node.command("INFO replication").contains("role:master")) {
          return node;
        }
      }
      throw new IllegalStateException("no live master");
    }
    for (Node node : dataNodes) {
      if (!node.isRunning()) {
        continue;
      }
      String slot = node.command("CLUSTER KEYSLOT " + key).replace(":", "");
      String shards = node.command("CLUSTER NODES");
      for (String line : shards.split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
          continue;
        }
        for (int i = 8; i < fields.length; i++) {
          String[] range = fields[i].split("-");
          int low = Integer.parseInt(range[0]);
          int high = range.length > 1 ? Integer.parseInt(range[1]) : low;
          int wanted = Integer.parseInt(slot);
          if (wanted >= low && wanted <= high) {
            int port =
                Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1).split("[@]")[0]);
            for (Node candidate : dataNodes) {
              if (candidate.port == port) {
                return candidate;
              }
            }
          }
        }
      }
    }
    throw new IllegalStateException("no live master for " + key);
  }

  /** The logs of every process, for a failed test's message. */
  public String logs() {
    var all = new StringBuilder();
    Stream.concat(dataNodes.stream(), sentinels.stream())
        .forEach(node -> all.append("---- ").append(node.role).append('\n').append(node.log()));
    return all.toString();
  }

  @Override
  public void close() {
    sentinels.forEach(Node::kill);
    dataNodes.forEach(Node::kill);
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  private Node newNode(String role, List<Node> into) {
    try {
      Path dir =
          Files.createDirectories(root.resolve("node-" + (dataNodes.size() + sentinels.size())));
      var node = new Node(role, RedisServerProcess.freePort(), dir);
      into.add(node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> serverArgs(Path server, Node node, String... extra) {
    List<String> command = new ArrayList<>();
    command.add(server.toString());
    command.addAll(
        List.of(
            "--port", Integer.toString(node.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--daemonize", "no",
            "--dir", node.dir.toString(),
            "--logfile", node.dir.resolve("redis.log").toString()));
    command.addAll(List.of(extra));
    return command;
  }

  /** {@code "7.0.15"} from {@code redis-server --version} ("Redis server v=7.0.15 sha=..."). */
  private static String version(Path server) {
    try {
      Process process = new ProcessBuilder(server.toString(), "--version").start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(5, TimeUnit.SECONDS);
      int at = out.indexOf("v=");
      return at < 0 ? "unknown" : out.substring(at + 2).split("\\s")[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String infoReplication(Node node) {
    try {
      return node.command("INFO replication");
    } catch (IOException e) {
      return "";
    }
  }

  private static String infoSentinel(Node node) {
    try {
      return node.command("INFO sentinel");
    } catch (IOException e) {
      return "";
    }
  }

  private static String clusterInfo(Node node) {
    try {
      return node.command("CLUSTER INFO");
    } catch (IOException e) {
      return "";
    }
  }

  private static Path tool(String name, String debianPackage) {
    return ExternalTool.onPath(name)
        .orElseThrow(
            () ->
                ExternalTool.missing(
                    name + " is not on PATH: the Redis Cluster tests cannot run",
                    "apt-get install " + debianPackage));
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(List<String> command, Path log) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      LIVE.add(process);
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
          process.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command) + " failed:\n" + Files.readString(log));
        }
      } finally {
        LIVE.remove(process);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
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
}
