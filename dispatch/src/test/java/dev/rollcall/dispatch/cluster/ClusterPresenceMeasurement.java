package dev.rollcall.dispatch.cluster;

import dev.rollcall.channels.BroadcastCodec;
import dev.rollcall.presence.tracker.KeyedMeta;
import dev.rollcall.presence.tracker.Tracker;
import dev.rollcall.presence.tracker.TrackerCodec;
import dev.rollcall.presence.tracker.TrackerConfig;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence across nodes through a real Redis (docs/benchmarks.md, "Cluster"): three nodes in one
 * JVM, each a RedisPubSub with a Tracker (default config: 1 s heartbeat, deltas 25 ms after a local
 * change). Measures the Redis messages an idle cluster sends, the Redis messages per presence
 * change in a burst of joins, and the join-to-visible latency on the other nodes. Prints numbers;
 * asserts nothing. Run with the dispatch test classpath: {@code java -cp ...
 * dev.rollcall.dispatch.cluster.ClusterPresenceMeasurement}.
 */
public final class ClusterPresenceMeasurement {
  private static final int JOINS = 1000;
  private static final int JOINS_PER_SECOND = 250;

  public static void main(String[] args) throws Exception {
    try (var redis = RedisServerProcess.start()) {
      List<RedisPubSub> nodes = new ArrayList<>();
      List<Tracker> trackers = new ArrayList<>();
      // key -> nanoTime when it became visible, per observing node
      List<Map<String, Long>> seen = new ArrayList<>();
      try {
        for (String name : List.of("a", "b", "c")) {
          var pubSub =
              new RedisPubSub(
                  RedisConfig.defaults().withUri(redis.uri()).withNode(name),
                  List.of(new BroadcastCodec(), new TrackerCodec()));
          nodes.add(pubSub);
          Map<String, Long> visible = new ConcurrentHashMap<>();
          seen.add(visible);
          trackers.add(
              Tracker.start(
                  pubSub,
                  TrackerConfig.defaults(),
                  (topic, joins, leaves) -> {
                    long now = System.nanoTime();
                    for (KeyedMeta join : joins) {
                      visible.putIfAbsent(join.key(), now);
                    }
                  }));
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
          Tracker tracker = trackers.get(i % 3);
          long due = start + (long) i * 1_000_000_000L / JOINS_PER_SECOND;
          while (System.nanoTime() < due) {
            Thread.onSpinWait();
          }
          trackedAt.put(key, System.nanoTime());
          tracker.track("owner-" + i, "notifications:lobby", key, Map.of("online_at", i));
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
        trackers.forEach(Tracker::close);
        nodes.forEach(RedisPubSub::close);
      }
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
