package dev.rollcall.bench.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurement behind RedisPubSub's topic→Redis-channel mapping (docs/cluster.md): three
 * subscriber connections ("nodes") on one real Redis, each owning 1000 personal topics plus a
 * shared lobby, under three mappings: one shared channel (filter on receipt), one Redis channel per
 * topic (SUBSCRIBE per join), and Redis 7 sharded pub/sub (SSUBSCRIBE/SPUBLISH). Prints numbers;
 * asserts nothing. Run against a Redis of your own (7.0+ for the sharded mapping), from the
 * repository root after {@code ./rollcall-bench --help} has built the jar: {@code java -cp
 * 'bench/target/rollcall-bench.jar:bench/target/lib/*'
 * dev.rollcall.bench.redis.ChannelMappingMeasurement redis://127.0.0.1:6379}.
 */
public final class ChannelMappingMeasurement {
  private static final int NODES = 3;
  private static final int TOPICS_PER_NODE = 1000;
  private static final int MESSAGES = 60_000;
  private static final String PADDING = "x".repeat(150);

  private static boolean quiet;

  enum Mapping {
    SHARED,
    PER_TOPIC,
    SHARDED
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ChannelMappingMeasurement redis://host:port");
      System.exit(2);
    }
    String uri = args[0];
    {
      System.out.printf(
          "redis %s, %d nodes, %d topics per node, %d messages of ~%d bytes%n",
          uri, NODES, TOPICS_PER_NODE, MESSAGES, PADDING.length() + 20);
      boolean sharded = supportsSharded(uri);
      for (int round = 0; round < 2; round++) { // round 0 warms up the JIT; only round 1 prints
        quiet = round == 0;
        for (Mapping mapping : Mapping.values()) {
          if (mapping == Mapping.SHARDED && !sharded) {
            System.out.println("SHARDED: skipped, this redis-server has no SPUBLISH (needs 7.0+)");
            continue;
          }
          measure(uri, mapping);
        }
      }
    }
  }

  private static boolean supportsSharded(String uri) throws Exception {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().spublish("probe", "x");
      return true;
    } catch (io.lettuce.core.RedisCommandExecutionException e) {
      return false; // ERR unknown command: Redis before 7.0
    } finally {
      client.shutdown();
    }
  }

  private static void measure(String uri, Mapping mapping) throws Exception {
    RedisClient client = RedisClient.create(uri);
    try {
      List<StatefulRedisPubSubConnection<String, String>> nodes = new ArrayList<>();
      List<Set<String>> topicsOf = new ArrayList<>();
      AtomicLong received = new AtomicLong();
      AtomicLong delivered = new AtomicLong();
      long subscribeNanos = 0;
      for (int n = 0; n < NODES; n++) {
        Set<String> topics = new HashSet<>();
        for (int t = 0; t < TOPICS_PER_NODE; t++) {
          topics.add("notifications:hero-" + n + "-" + t);
        }
        topics.add("notifications:lobby");
        topicsOf.add(topics);
        var connection = client.connectPubSub();
        var listener =
            new RedisPubSubAdapter<String, String>() {
              @Override
              public void message(String channel, String message) {
                onMessage(message);
              }

              @Override
              public void smessage(String channel, String message) {
                onMessage(message);
              }

              private void onMessage(String message) {
                received.incrementAndGet();
                String topic = message.substring(0, message.indexOf('|'));
                if (topics.contains(topic)) { // the shared mapping's filter; a no-op otherwise
                  delivered.incrementAndGet();
                }
              }
            };
        connection.addListener(listener);
        long start = System.nanoTime();
        switch (mapping) {
          case SHARED -> connection.sync().subscribe("m:b");
          case PER_TOPIC -> {
            for (String topic : topics) { // one SUBSCRIBE per channel join, as the app would
              connection.sync().subscribe("m:t:" + topic);
            }
          }
          case SHARDED -> {
            for (String topic : topics) {
              connection.sync().ssubscribe("m:t:" + topic);
            }
          }
        }
        subscribeNanos += System.nanoTime() - start;
        nodes.add(connection);
      }
      try (StatefulRedisConnection<String, String> publisher = client.connect()) {
        run(mapping, "personal topics", publisher, topicsOf, received, delivered, false);
        run(mapping, "lobby", publisher, topicsOf, received, delivered, true);
      }
      int subscriptions = mapping == Mapping.SHARED ? NODES : NODES * (TOPICS_PER_NODE + 1);
      if (!quiet) {
        System.out.printf(
            "%-9s subscribe: %d subscriptions in %d ms (%.0f/s, what joins and each reconnect pay)%n",
            mapping,
            subscriptions,
            TimeUnit.NANOSECONDS.toMillis(subscribeNanos),
            subscriptions / (subscribeNanos / 1e9));
      }
      nodes.forEach(StatefulRedisPubSubConnection::close);
    } finally {
      client.shutdown();
    }
  }

  private static void run(
      Mapping mapping,
      String workload,
      StatefulRedisConnection<String, String> publisher,
      List<Set<String>> topicsOf,
      AtomicLong received,
      AtomicLong delivered,
      boolean lobby)
      throws Exception {
    received.set(0);
    delivered.set(0);
    var random = ThreadLocalRandom.current();
    long expected = lobby ? (long) MESSAGES * NODES : MESSAGES;
    long start = System.nanoTime();
    List<RedisFuture<Long>> window = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      String topic =
          lobby
              ? "notifications:lobby"
              : "notifications:hero-"
                  + random.nextInt(NODES)
                  + "-"
                  + random.nextInt(TOPICS_PER_NODE);
      String message = topic + "|" + PADDING;
      window.add(
          switch (mapping) {
            case SHARED -> publisher.async().publish("m:b", message);
            case PER_TOPIC -> publisher.async().publish("m:t:" + topic, message);
            case SHARDED -> publisher.async().spublish("m:t:" + topic, message);
          });
      if (window.size() == 1000) { // a bounded pipeline, like one busy node's publisher
        window.getLast().get(10, TimeUnit.SECONDS);
        window.clear();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long expectedReceived = mapping == Mapping.SHARED ? (long) MESSAGES * NODES : expected;
    while ((delivered.get() < expected || received.get() < expectedReceived)
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (quiet) {
      return;
    }
    System.out.printf(
        "%-9s %-15s: %,d msgs in %.2f s = %,.0f msgs/s; %,d deliveries, %,d messages received by"
            + " nodes (%.1f per delivery)%n",
        mapping,
        workload,
        MESSAGES,
        seconds,
        MESSAGES / seconds,
        delivered.get(),
        received.get(),
        received.get() / (double) Math.max(1, delivered.get()));
  }
}
