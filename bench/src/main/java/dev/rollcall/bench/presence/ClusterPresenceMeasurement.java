package dev.rollcall.bench.presence;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence across nodes through a real Redis (docs/benchmarks.md, "Cluster"): three nodes in one
 * JVM, each a RedisPubSub with a {@link Presence} (default tracker: 1 s heartbeat, deltas 25 ms
 * after a local change; no diff window, so a change is seen the moment its node learns it).
 * Measures the Redis messages an idle cluster sends, the Redis messages per presence change in a
 * burst of joins, and the join-to-visible latency on the other nodes (when their {@code
 * presence_diff} names the key). Prints numbers; asserts nothing.
 *
 * <p>Usage: {@code ClusterPresenceMeasurement redis://host:port} (bench/cluster-presence.sh starts
 * a redis-server the same way).
 */
public final class ClusterPresenceMeasurement {
  private static final String LOBBY = "notifications:lobby";
  private static final int JOINS = 1000;
  private static final int JOINS_PER_SECOND = 250;

  private ClusterPresenceMeasurement() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ClusterPresenceMeasurement redis://host:port");
      System.exit(2);
    }
    PresenceConfig config =
        PresenceConfig.defaults().withDiffWindow(Duration.ZERO).withMaxDiffWindow(Duration.ZERO);
    List<RedisPubSub> nodes = new ArrayList<>();
    List<Presence> presences = new ArrayList<>();
    // key -> nanoTime when it became visible, per observing node
    List<Map<String, Long>> seen = new ArrayList<>();
    try {
      for (String name : List.of("a", "b", "c")) {
        var pubSub = new RedisPubSub(RedisConfig.defaults().withUri(args[0]).withNode(name));
        nodes.add(pubSub);
        Map<String, Long> visible = new ConcurrentHashMap<>();
        seen.add(visible);
        pubSub.subscribe(LOBBY, delivery -> recordJoins(delivery, visible));
        presences.add(Presence.start(pubSub, config));
      }
      while (nodes.stream().anyMatch(n -> n.health() != RedisHealth.UP)) {
        Thread.sleep(10);
      }
      Thread.sleep(3000); // let the replicas meet

      long idleBefore = published(nodes);
      Thread.sleep(5000);
      long idle = published(nodes) - idleBefore;
      System.out.printf(
          "idle cluster of 3: %.1f Redis messages/s in total (heartbeats)%n", idle / 5.0);

      Map<String, Long> trackedAt = new ConcurrentHashMap<>();
      long before = published(nodes);
      long start = System.nanoTime();
      for (int i = 0; i < JOINS; i++) {
        String key = "hero-" + i;
        Presence presence = presences.get(i % 3);
        long due = start + (long) i * 1_000_000_000L / JOINS_PER_SECOND;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        trackedAt.put(key, System.nanoTime());
        presence.track("owner-" + i, LOBBY, key, Map.of("online_at", i));
      }
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < deadline
          && seen.stream().anyMatch(visible -> visible.size() < JOINS)) {
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long messages = published(nodes) - before - Math.round(idle / 5.0 * seconds);

      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < JOINS; i++) {
        String key = "hero-" + i;
        for (int observer = 0; observer < 3; observer++) {
          if (observer == i % 3) {
            continue; // the tracking node sees its own join at once
          }
          Long at = seen.get(observer).get(key);
          if (at != null) {
            latencies.add(at - trackedAt.get(key));
          }
        }
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "%d joins at %d/s spread over 3 nodes: %d Redis messages beyond the idle heartbeats"
              + " = %.3f per presence change; %d of %d remote views complete%n",
          JOINS,
          JOINS_PER_SECOND,
          messages,
          messages / (double) JOINS,
          latencies.size(),
          JOINS * 2);
      System.out.printf(
          "join-to-visible on another node: p50 %d ms, p99 %d ms, max %d ms%n",
          percentile(sorted, 50),
          percentile(sorted, 99),
          sorted.length == 0 ? -1 : sorted[sorted.length - 1] / 1_000_000);
      System.out.println(
          "published per node: "
              + Arrays.toString(nodes.stream().mapToLong(n -> n.stats().published()).toArray()));
    } finally {
      presences.forEach(Presence::close);
      nodes.forEach(RedisPubSub::close);
    }
  }

  /** Notes when each key first appears in the joins of a {@code presence_diff} on this node. */
  private static void recordJoins(Delivery delivery, Map<String, Long> visible) {
    if (delivery.message() instanceof Broadcast diff
        && diff.payload() instanceof Map<?, ?> payload
        && payload.get("joins") instanceof Map<?, ?> joins) {
      long now = System.nanoTime();
      joins.keySet().forEach(key -> visible.putIfAbsent((String) key, now));
    }
  }

  private static long published(List<RedisPubSub> nodes) {
    return nodes.stream().mapToLong(n -> n.stats().published()).sum();
  }

  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    int index = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1_000_000;
  }
}
