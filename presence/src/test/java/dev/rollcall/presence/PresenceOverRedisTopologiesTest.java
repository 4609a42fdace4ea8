package dev.rollcall.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.presence.Presence.Result;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import dev.rollcall.pubsub.redis.testing.RedisTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence on three nodes through a real Redis Cluster (sharded pub/sub) and through Sentinel: the
 * rosters agree, and after the master is killed and a replica promoted they agree again, including
 * the changes made while the nodes were cut off (re-synchronized on the "up" transition).
 */
@Timeout(120)
class PresenceOverRedisTopologiesTest {
  private static final String TOPIC = "room:lobby";
  private static final PresenceConfig FAST =
      PresenceConfig.defaults()
          .withTracker(
              new TrackerConfig(
                  "presence",
                  Duration.ofMillis(100),
                  Duration.ofMillis(600),
                  Duration.ofSeconds(30),
                  Duration.ofMillis(20)));

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  @Test
  void rostersConvergeAgainAfterAClusterMasterIsKilled() throws Exception {
    var cluster = RedisTopology.cluster(3, Duration.ofMillis(1000));
    resources.add(cluster);
    survivesTheKillOfTheMaster(cluster, "presence-cluster");
  }

  @Test
  void rostersConvergeAgainAfterASentinelFailover() throws Exception {
    var sentinel = RedisTopology.sentinel("rollcall", 3, 2, Duration.ofMillis(1000));
    resources.add(sentinel);
    survivesTheKillOfTheMaster(sentinel, "presence-sentinel");
  }

  private void survivesTheKillOfTheMaster(RedisTopology topology, String prefix) throws Exception {
    List<RedisPubSub> pubSubs = new ArrayList<>();
    List<Presence> all = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      var pubSub =
          new RedisPubSub(
              RedisConfig.defaults()
                  .withUri(topology.uri())
                  .withNode(name)
                  .withChannelPrefix(prefix)
                  .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400)));
      resources.add(pubSub);
      pubSubs.add(pubSub);
      Presence presence = Presence.start(pubSub, FAST);
      resources.add(presence);
      all.add(presence);
    }
    Presence a = all.get(0);
    Presence b = all.get(1);
    Presence c = all.get(2);
    ok(a.track("p1", TOPIC, "alice", Map.of()));
    ok(b.track("p2", TOPIC, "bob", Map.of()));
    awaitKeys(all, Set.of("alice", "bob"));

    // The tracker's traffic rides the broadcast channel of its topic and the direct channels; kill
    // the master that serves the lobby's broadcasts (on Sentinel: the master).
    topology.masterFor(pubSubs.getFirst().broadcastChannelName(FAST.tracker().topic())).kill();
    await("every node down")
        .atMost(Duration.ofSeconds(10))
        .until(() -> pubSubs.stream().allMatch(p -> p.health() == RedisHealth.DOWN));
    ok(c.track("p3", TOPIC, "carol", Map.of()));
    ok(b.untrack("p2", TOPIC, "bob"));

    awaitKeys(all, Set.of("alice", "carol"));
    assertThat(pubSubs).allMatch(p -> p.health() == RedisHealth.UP);
  }

  private static void ok(Result result) {
    assertThat(result).isInstanceOf(Result.Ok.class);
  }

  private static void awaitKeys(List<Presence> nodes, Set<String> keys) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (Presence node : nodes) {
                assertThat(node.list(TOPIC).keySet()).isEqualTo(keys);
              }
            });
  }
}
