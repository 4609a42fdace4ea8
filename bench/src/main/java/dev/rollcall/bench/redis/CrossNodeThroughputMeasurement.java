package dev.rollcall.bench.redis;

import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cross-node broadcast throughput through RedisPubSub (docs/benchmarks.md, "Cluster"): three nodes
 * in one JVM on one real Redis, one subscriber per node; node a broadcasts 50k messages of ~150
 * bytes as fast as it can; we time until every node has delivered all of them. Then the same volume
 * as direct messages from {@value #THREADS} virtual threads at once on node a, half to b and half
 * to c (what many channel processes sending notify_direct do). Prints numbers; asserts nothing. Run
 * against a Redis of your own, from the repository root after {@code ./rollcall-bench --help} has
 * built the jar: {@code java -cp 'bench/target/rollcall-bench.jar:bench/target/lib/*'
 * dev.rollcall.bench.redis.CrossNodeThroughputMeasurement redis://127.0.0.1:6379}.
 */
public final class CrossNodeThroughputMeasurement {
  private static final int MESSAGES = 50_000;
  private static final int THREADS = 200;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: CrossNodeThroughputMeasurement redis://host:port");
      System.exit(2);
    }
    String uri = args[0];
    for (int round = 0; round < 3; round++) {
      measure(uri, round == 0);
    }
    for (int round = 0; round < 3; round++) {
      measureDirectFromManyThreads(uri, round == 0);
    }
  }

  private static void measure(String uri, boolean warmup) throws Exception {
    List<RedisPubSub> nodes = new ArrayList<>();
    List<AtomicLong> counts = new ArrayList<>();
    try {
      startNodes(uri, "notifications:lobby", nodes, counts);
      String body = "{\"body\":\"" + "m".repeat(120) + "\",\"timestamp\":1764331200123}";
      long start = System.nanoTime();
      for (int i = 0; i < MESSAGES; i++) {
        nodes.get(0).broadcast("notifications:lobby", body);
      }
      long sent = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (counts.stream().anyMatch(c -> c.get() < MESSAGES) && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long done = System.nanoTime();
      if (!warmup) {
        double seconds = (done - start) / 1e9;
        System.out.printf(
            "3 nodes: %,d broadcasts from one node, enqueued in %.2f s, on every node in %.2f s ="
                + " %,.0f broadcasts/s (%,.0f remote deliveries/s); delivered %s; publish failures"
                + " %d%n",
            MESSAGES,
            (sent - start) / 1e9,
            seconds,
            MESSAGES / seconds,
            2 * MESSAGES / seconds,
            counts,
            nodes.get(0).stats().publishFailed());
      }
    } finally {
      nodes.forEach(RedisPubSub::close);
    }
  }

  private static void measureDirectFromManyThreads(String uri, boolean warmup) throws Exception {
    List<RedisPubSub> nodes = new ArrayList<>();
    List<AtomicLong> counts = new ArrayList<>();
    try {
      startNodes(uri, "notifications:hero", nodes, counts);
      String body = "{\"body\":\"" + "m".repeat(120) + "\",\"timestamp\":1764331200123}";
      int perThread = MESSAGES / THREADS;
      var go = new java.util.concurrent.CountDownLatch(1);
      long start;
      try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int t = 0; t < THREADS; t++) {
          executor.submit(
              () -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                  nodes.get(0).directBroadcast(i % 2 == 0 ? "b" : "c", "notifications:hero", body);
                }
                return null;
              });
        }
        start = System.nanoTime();
        go.countDown();
      }
      long sent = System.nanoTime();
      long expected = (long) perThread * THREADS;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (counts.get(1).get() + counts.get(2).get() < expected && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long done = System.nanoTime();
      if (!warmup) {
        double seconds = (done - start) / 1e9;
        System.out.printf(
            "3 nodes: %,d direct messages from %d virtual threads on one node, sent in %.2f s,"
                + " delivered in %.2f s = %,.0f messages/s; delivered %s; publish failures %d%n",
            expected,
            THREADS,
            (sent - start) / 1e9,
            seconds,
            (counts.get(1).get() + counts.get(2).get()) / seconds,
            counts,
            nodes.get(0).stats().publishFailed());
      }
    } finally {
      nodes.forEach(RedisPubSub::close);
    }
  }

  /**
   * Nodes a, b and c on a fresh channel prefix, each counting what reaches it on {@code topic};
   * returns once all three are connected.
   */
  private static void startNodes(
      String uri, String topic, List<RedisPubSub> nodes, List<AtomicLong> counts)
      throws InterruptedException {
    String prefix = "bench-" + System.nanoTime();
    for (String name : List.of("a", "b", "c")) {
      var node =
          new RedisPubSub(
              RedisConfig.defaults().withUri(uri).withNode(name).withChannelPrefix(prefix));
      node.register(new TextCodec());
      nodes.add(node);
      var count = new AtomicLong();
      counts.add(count);
      node.subscribe(topic, delivery -> count.incrementAndGet());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (nodes.stream().anyMatch(n -> n.health() != RedisHealth.UP)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nodes did not connect");
      }
      Thread.sleep(10);
    }
  }
}
