package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.pubsub.redis.testing.RedisTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Three {@link RedisPubSub} nodes with a lease each on a multi-process Redis ({@link
 * RedisTopology}): what a user of a cluster or Sentinel setup relies on (broadcasts on many topics
 * and direct messages reach the right nodes exactly once, one lease holder) before and after the
 * master serving the lease is killed. Driven by one test thread; the overlap watcher is its own
 * thread.
 */
final class FailoverScenario implements AutoCloseable {
  static final Duration LEASE_TTL = Duration.ofMillis(900);
  private static final int TOPICS = 24;

  private final RedisTopology topology;
  private final List<RedisPubSub> nodes = new ArrayList<>();
  private final List<RedisLease> leases = new ArrayList<>();
  private final Map<String, Inbox> roomInboxes = new ConcurrentHashMap<>();
  private final Map<String, Inbox> personalInboxes = new ConcurrentHashMap<>();
  private final Map<String, List<RedisHealth>> transitions = new ConcurrentHashMap<>();
  private final AtomicInteger overlaps = new AtomicInteger();
  private volatile boolean watching = true;
  private final Thread watcher;

  FailoverScenario(RedisTopology topology, String prefix) {
    this(topology, topology.uri(), prefix);
  }

  FailoverScenario(RedisTopology topology, String uri, String prefix) {
    this.topology = topology;
    for (String name : List.of("a", "b", "c")) {
      var node =
          new RedisPubSub(
              RedisConfig.defaults()
                  .withUri(uri)
                  .withNode(name)
                  .withChannelPrefix(prefix)
                  .withReconnect(Duration.ofMillis(50), Duration.ofMillis(500)));
      node.register(new TextCodec());
      List<RedisHealth> seen = new CopyOnWriteArrayList<>();
      transitions.put(name, seen);
      node.addHealthListener(seen::add);
      var rooms = new Inbox(name + "-rooms");
      for (int i = 0; i < TOPICS; i++) {
        node.subscribe(topic(i), rooms);
      }
      roomInboxes.put(name, rooms);
      var personal = new Inbox(name + "-personal");
      node.subscribe("personal", personal);
      personalInboxes.put(name, personal);
      nodes.add(node);
    }
    for (RedisPubSub node : nodes) {
      await("node " + node.node() + " up on " + uri)
          .atMost(Duration.ofSeconds(20))
          .until(() -> node.health() == RedisHealth.UP);
    }
    for (RedisPubSub node : nodes) {
      leases.add(RedisLease.start(node, "dispatcher", LEASE_TTL));
    }
    watcher =
        Thread.ofPlatform()
            .daemon()
            .name("lease-overlap-watcher")
            .start(
                () -> {
                  while (watching) {
                    if (leases.stream().filter(RedisLease::isHeld).count() > 1) {
                      overlaps.incrementAndGet();
                    }
                    LockSupport.parkNanos(200_000);
                  }
                });
  }

  static String topic(int i) {
    return "room:" + i;
  }

  RedisPubSub node(String name) {
    return nodes.stream().filter(n -> n.node().equals(name)).findFirst().orElseThrow();
  }

  /** The Redis key of the lease, whose master the test kills. */
  String leaseKey() {
    return nodes.getFirst().config().channelPrefix() + ":lease:dispatcher";
  }

  /**
   * Each node broadcasts on every topic and sends a direct message to the next node: every other
   * node gets each broadcast once, the addressee gets the direct message once, nobody else does.
   */
  void assertDeliveryExactlyOnce(String round) {
    for (int n = 0; n < nodes.size(); n++) {
      RedisPubSub from = nodes.get(n);
      RedisPubSub to = nodes.get((n + 1) % nodes.size());
      for (int i = 0; i < TOPICS; i++) {
        from.broadcast(topic(i), round + "/" + from.node() + "/" + topic(i));
      }
      from.directBroadcast(to.node(), "personal", round + "/direct/" + from.node());
    }
    // and no more: held for 300 ms, in which a duplicate would show up
    await(round + ": every broadcast and direct message arrived, once")
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (RedisPubSub node : nodes) {
                assertThat(countPrefix(roomInboxes.get(node.node()), round + "/"))
                    .as("broadcasts on %s", node.node())
                    .isEqualTo(nodes.size() * TOPICS);
                assertThat(countPrefix(personalInboxes.get(node.node()), round + "/"))
                    .as("direct messages on %s", node.node())
                    .isEqualTo(1);
              }
            });
    for (int n = 0; n < nodes.size(); n++) {
      RedisPubSub node = nodes.get(n);
      RedisPubSub previous = nodes.get((n + nodes.size() - 1) % nodes.size());
      List<Object> rooms = roomInboxes.get(node.node()).messages();
      for (RedisPubSub from : nodes) {
        for (int i = 0; i < TOPICS; i++) {
          assertThat(rooms)
              .as("on %s", node.node())
              .containsOnlyOnce(round + "/" + from.node() + "/" + topic(i));
        }
      }
      assertThat(personalInboxes.get(node.node()).messages())
          .as("direct messages on %s", node.node())
          .filteredOn(m -> ((String) m).startsWith(round + "/"))
          .containsExactly(round + "/direct/" + previous.node());
    }
  }

  /**
   * After a kill: sends a probe round every 100 ms (a broadcast on every topic from {@code a})
   * until one round reaches both other nodes completely; returns the time from {@code
   * killedAtNanos} until that round arrived.
   */
  Duration awaitDeliveryResumed(long killedAtNanos) {
    int round = 0;
    long deadline = killedAtNanos + Duration.ofSeconds(45).toNanos();
    RedisPubSub sender = node("a");
    while (System.nanoTime() < deadline) {
      String probe = "probe" + round++ + "/";
      for (int i = 0; i < TOPICS; i++) {
        sender.broadcast(topic(i), probe + topic(i));
      }
      long waitUntil = System.nanoTime() + Duration.ofMillis(100).toNanos();
      while (System.nanoTime() < waitUntil) {
        if (countPrefix(roomInboxes.get("b"), probe) == TOPICS
            && countPrefix(roomInboxes.get("c"), probe) == TOPICS) {
          return Duration.ofNanos(System.nanoTime() - killedAtNanos);
        }
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
    }
    throw new AssertionError(
        "delivery did not resume within 45 s; health "
            + nodes.stream().map(n -> n.node() + "=" + n.health()).toList()
            + "\n"
            + topology.logs());
  }

  /** Every node went down and came up again (the "up" transition the layers above re-sync on). */
  void assertEveryNodeCameBackUp() {
    await("every node up again")
        .atMost(Duration.ofSeconds(30))
        .until(() -> nodes.stream().allMatch(n -> n.health() == RedisHealth.UP));
    // listeners hear of a change just after health() shows it
    await()
        .untilAsserted(
            () -> {
              for (RedisPubSub node : nodes) {
                assertThat(transitions.get(node.node()))
                    .as("health transitions of %s", node.node())
                    .containsSubsequence(RedisHealth.UP, RedisHealth.DOWN, RedisHealth.UP);
              }
            });
  }

  void awaitOneHolder() {
    await("exactly one lease holder")
        .atMost(Duration.ofSeconds(20))
        .until(() -> leases.stream().filter(RedisLease::isHeld).count() == 1);
  }

  int overlaps() {
    return overlaps.get();
  }

  private static long countPrefix(Inbox inbox, String prefix) {
    return inbox.messages().stream().filter(m -> ((String) m).startsWith(prefix)).count();
  }

  @Override
  public void close() {
    watching = false;
    try {
      watcher.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    leases.forEach(RedisLease::close);
    nodes.forEach(RedisPubSub::close);
  }
}
