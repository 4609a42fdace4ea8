package dev.rollcall.bench.presence;

import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The replication half of the 100k cluster-capacity scenario, without sockets: {@code nodes}
 * presences (default config) in this JVM, each with its own connection to a real Redis, track
 * {@code entries} presences on {@code notifications:lobby} between them (round robin, at {@code
 * rate}/s), until every node's list holds all of them. Prints the time until every list is
 * complete, Redis messages per join, heap per held entry (every node holds every entry, so the
 * growth is divided by nodes × entries), and then how long the others take to drop a crashed node's
 * entries. The WebSocket side of the same scenario is {@code bench/cluster-capacity.sh}. Prints
 * numbers, asserts nothing.
 *
 * <p>Usage: {@code ClusterPresenceCapacity redis://127.0.0.1:PORT [nodes=6] [entries=100000]
 * [rate=20000]}; run with a fixed heap (e.g. {@code -Xms3g -Xmx3g}).
 */
public final class ClusterPresenceCapacity {
  private static final String LOBBY = "notifications:lobby";

  private ClusterPresenceCapacity() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: ClusterPresenceCapacity redis://host:port [nodes] [entries] [rate]");
      System.exit(2);
    }
    String redis = args[0];
    int nodeCount = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int entries = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;

    List<RedisPubSub> nodes = new ArrayList<>();
    List<Presence> presences = new ArrayList<>();
    try {
      for (int n = 0; n < nodeCount; n++) {
        RedisPubSub pubSub =
            new RedisPubSub(RedisConfig.defaults().withUri(redis).withNode("n" + (n + 1)));
        nodes.add(pubSub);
        presences.add(Presence.start(pubSub, PresenceConfig.defaults()));
      }
      while (nodes.stream().anyMatch(node -> node.health() != RedisHealth.UP)) {
        Thread.sleep(10);
      }
      Thread.sleep(3000); // let the replicas meet
      long heapBefore = usedHeapAfterGc();
      long publishedBefore = published(nodes);

      long start = System.nanoTime();
      for (int i = 0; i < entries; i++) {
        long due = start + (long) i * 1_000_000_000L / rate;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        String hero = "Hero " + i;
        presences
            .get(i % nodeCount)
            .track(
                "socket-" + i,
                LOBBY,
                hero,
                Map.of("online_at", String.valueOf(1_764_000_000 + i), "user_name", hero));
        if (i > 0 && i % (entries / 10) == 0) {
          System.out.printf(
              "tracked %,d; lists hold %s%n",
              i, presences.stream().map(presence -> presence.list(LOBBY).size()).toList());
        }
      }
      long tracked = System.nanoTime();
      long deadline = tracked + 120_000_000_000L;
      while (System.nanoTime() < deadline && !allHold(presences, entries)) {
        Thread.sleep(20);
      }
      long complete = System.nanoTime();
      long messages = published(nodes) - publishedBefore;
      System.out.printf(
          "%d nodes, %,d presences tracked in %.1f s (%,.0f/s asked); every list complete: %s,"
              + " %.2f s after the last track%n",
          nodeCount,
          entries,
          (tracked - start) / 1e9,
          (double) rate,
          allHold(presences, entries),
          (complete - tracked) / 1e9);
      System.out.printf(
          "Redis messages published by the nodes: %,d = %.3f per join (heartbeats included)%n",
          messages, messages / (double) entries);
      long heapAfter = usedHeapAfterGc();
      System.out.printf(
          "heap after GC: %.1f -> %.1f MB; %d B per held presence (%d nodes x %,d entries)%n",
          heapBefore / 1e6,
          heapAfter / 1e6,
          (heapAfter - heapBefore) / ((long) nodeCount * entries),
          nodeCount,
          entries);

      // A crash: the last node stops publishing without telling anyone (its Redis connection
      // closes, no goodbye), so the others must notice the silence and drop its entries.
      int crashed = nodeCount - 1;
      int crashedEntries = (entries + nodeCount - 1 - crashed) / nodeCount;
      long crashAt = System.nanoTime();
      nodes.get(crashed).close();
      List<Presence> survivors = presences.subList(0, crashed);
      deadline = crashAt + 60_000_000_000L;
      while (System.nanoTime() < deadline && !allHold(survivors, entries - crashedEntries)) {
        Thread.sleep(20);
      }
      System.out.printf(
          "node n%d crashed: the %d others dropped its %,d presences after %.2f s (%s)%n",
          nodeCount,
          crashed,
          crashedEntries,
          (System.nanoTime() - crashAt) / 1e9,
          allHold(survivors, entries - crashedEntries) ? "all lists exact" : "NOT converged");
    } finally {
      presences.forEach(Presence::close);
      nodes.forEach(RedisPubSub::close);
    }
  }

  private static boolean allHold(List<Presence> presences, int entries) {
    return presences.stream().allMatch(presence -> presence.list(LOBBY).size() == entries);
  }

  private static long published(List<RedisPubSub> nodes) {
    return nodes.stream().mapToLong(node -> node.stats().published()).sum();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
