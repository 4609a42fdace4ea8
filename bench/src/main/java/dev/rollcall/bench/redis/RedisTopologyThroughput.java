package dev.rollcall.bench.redis;

import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cross-node deliveries per second with one Redis server and with a 3-shard Redis Cluster (sharded
 * pub/sub), in one run: starts both itself (real {@code redis-server} processes on free loopback
 * ports in a temp dir; the cluster is created with {@code redis-cli --cluster create}, no
 * replicas), then for each topology runs three {@link RedisPubSub} nodes in this JVM, each
 * broadcasting {@value #MESSAGES_PER_NODE} messages of ~150 bytes over {@value #TOPICS} topics from
 * its own thread while every node subscribes to all topics. A delivery is a message arriving on
 * another node; deliveries/s counts them from the first send until the last arrives. It also prints
 * the CPU time each Redis process used in the round (from {@code /proc}), which shows how the
 * cluster spreads Redis's work. One warm-up round per topology, then {@code rounds} measured rounds
 * alternating between them. Prints numbers; asserts nothing.
 *
 * <p>Usage: {@code RedisTopologyThroughput [rounds]} (default 3); {@code redis-server} (≥ 7) and
 * {@code redis-cli} on {@code PATH}.
 *
 * <p>Threading: the main thread drives; one publishing thread per node during a round.
 */
public final class RedisTopologyThroughput {
  private static final int MESSAGES_PER_NODE = 30_000;
  private static final int TOPICS = 64;
  private static final String BODY =
      "{\"body\":\"" + "m".repeat(110) + "\",\"timestamp\":1764331200123}";

  private RedisTopologyThroughput() {}

  /** Redis processes of one topology, in one temp dir. */
  private record Deployment(String name, String uri, List<Process> processes, Path dir)
      implements AutoCloseable {
    long cpuTicks(int index) {
      try {
        String stat =
            Files.readString(Path.of("/proc", Long.toString(processes.get(index).pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    @Override
    public void close() {
      processes.forEach(Process::destroyForcibly);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp dir left behind is harmless
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    try (Deployment single = startSingle();
        Deployment cluster = startCluster(3)) {
      System.out.printf(
          "%d nodes in one JVM, each broadcasting %,d messages over %d topics; %d cores%n",
          3, MESSAGES_PER_NODE, TOPICS, Runtime.getRuntime().availableProcessors());
      measure(single, true);
      measure(cluster, true);
      for (int round = 0; round < rounds; round++) {
        measure(single, false);
        measure(cluster, false);
      }
    }
  }

  private static void measure(Deployment deployment, boolean warmup) throws Exception {
    List<RedisPubSub> nodes = new ArrayList<>();
    List<LongAdder> received = new ArrayList<>();
    try {
      String prefix = "bench" + System.nanoTime();
      for (String name : List.of("a", "b", "c")) {
        var node =
            new RedisPubSub(
                RedisConfig.defaults()
                    .withUri(deployment.uri())
                    .withNode(name)
                    .withChannelPrefix(prefix));
        node.register(new TextCodec());
        var count = new LongAdder();
        for (int t = 0; t < TOPICS; t++) {
          node.subscribe("room:" + t, delivery -> count.increment());
        }
        nodes.add(node);
        received.add(count);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (nodes.stream().anyMatch(n -> n.health() != RedisHealth.UP)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(deployment.name() + ": nodes did not connect");
        }
        Thread.sleep(10);
      }
      long[] cpuBefore = new long[deployment.processes().size()];
      for (int i = 0; i < cpuBefore.length; i++) {
        cpuBefore[i] = deployment.cpuTicks(i);
      }
      // Each node delivers its own broadcasts locally (MESSAGES_PER_NODE) and the others' remotely.
      long expected = (long) nodes.size() * nodes.size() * MESSAGES_PER_NODE;
      long local = (long) nodes.size() * MESSAGES_PER_NODE;
      long start = System.nanoTime();
      List<Thread> publishers = new ArrayList<>();
      for (RedisPubSub node : nodes) {
        publishers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < MESSAGES_PER_NODE; i++) {
                        node.broadcast("room:" + (i % TOPICS), BODY);
                      }
                    }));
      }
      for (Thread publisher : publishers) {
        publisher.join();
      }
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (total(received) < expected && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long remote = total(received) - local;
      if (warmup) {
        return;
      }
      var cpu = new StringBuilder();
      for (int i = 0; i < cpuBefore.length; i++) {
        cpu.append(i == 0 ? "" : " ")
            .append("%.2f".formatted((deployment.cpuTicks(i) - cpuBefore[i]) / 100.0));
      }
      long failed = nodes.stream().mapToLong(n -> n.stats().publishFailed()).sum();
      System.out.printf(
          "%-22s %,10.0f cross-node deliveries/s  (%,d of %,d in %.2f s; publish failures %d;"
              + " redis CPU s per process: %s)%n",
          deployment.name(), remote / seconds, remote, expected - local, seconds, failed, cpu);
    } finally {
      nodes.forEach(RedisPubSub::close);
    }
  }

  private static long total(List<LongAdder> counts) {
    return counts.stream().mapToLong(LongAdder::sum).sum();
  }

  private static Deployment startSingle() throws IOException {
    Path dir = Files.createTempDirectory("rollcall-bench-redis-");
    int port = freePort();
    Process process = startServer(dir.resolve("single"), port);
    return new Deployment("1 Redis", "redis://127.0.0.1:" + port, List.of(process), dir);
  }

  private static Deployment startCluster(int masters) throws Exception {
    Path dir = Files.createTempDirectory("rollcall-bench-redis-cluster-");
    List<Process> processes = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        int port = freePort();
        ports.add(port);
        Path nodeDir = dir.resolve("node" + i);
        processes.add(
            startServer(
                nodeDir,
                port,
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                nodeDir.resolve("nodes.conf").toString()));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      ports.forEach(port -> create.add("127.0.0.1:" + port));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process creating =
          new ProcessBuilder(create)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("create.log").toFile())
              .start();
      if (!creating.waitFor(60, TimeUnit.SECONDS) || creating.exitValue() != 0) {
        throw new IllegalStateException(
            "redis-cli --cluster create failed: " + Files.readString(dir.resolve("create.log")));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!ports.stream()
          .allMatch(port -> reply(port, "CLUSTER INFO").contains("cluster_state:ok"))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cluster did not reach cluster_state:ok");
        }
        Thread.sleep(100);
      }
      String uri =
          "redis-cluster://"
              + ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
      return new Deployment(masters + "-shard cluster", uri, processes, dir);
    } catch (Exception | Error e) {
      processes.forEach(Process::destroyForcibly);
      throw e;
    }
  }

  private static Process startServer(Path dir, int port, String... extra) throws IOException {
    Files.createDirectories(dir);
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString()));
    command.addAll(List.of(extra));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!reply(port, "PING").startsWith("+PONG")) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-server did not start on " + port);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return process;
  }

  /** One inline command; the raw reply (enough for PING and CLUSTER INFO), or "" on error. */
  private static String reply(int port, String command) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      byte[] buffer = new byte[4096];
      int read = socket.getInputStream().read(buffer);
      return read <= 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
