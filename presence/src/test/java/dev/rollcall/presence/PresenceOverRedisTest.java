package dev.rollcall.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Endpoint;
import dev.rollcall.presence.Presence.Result;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence on three nodes joined by a real redis-server through {@link RedisPubSub}: the tracker
 * needs nothing but its codec registered there.
 */
class PresenceOverRedisTest {
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

  private RedisServerProcess redis;
  private final String prefix = "presence-" + System.nanoTime();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
    redis.close();
  }

  private Presence node(String name) {
    RedisPubSub pubSub = pubSub(name);
    Presence presence = Presence.start(pubSub, FAST);
    resources.add(presence);
    return presence;
  }

  /** A node's PubSub with no codec registered: the layers started on it bring their own. */
  private RedisPubSub pubSub(String name) {
    RedisConfig config =
        RedisConfig.defaults()
            .withUri(redis.uri())
            .withNode(name)
            .withChannelPrefix(prefix)
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400));
    RedisPubSub pubSub = new RedisPubSub(config);
    resources.add(pubSub);
    return pubSub;
  }

  private static String ok(Result result) {
    assertThat(result).isInstanceOf(Result.Ok.class);
    return ((Result.Ok) result).phxRef();
  }

  private static void awaitKeys(List<Presence> nodes, Set<String> keys) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (Presence node : nodes) {
                assertThat(node.list(TOPIC).keySet()).isEqualTo(keys);
              }
            });
  }

  @Test
  void nodesShareTheirPresencesAndConvergeAgainAfterARedisOutage() {
    Presence a = node("a");
    Presence b = node("b");
    Presence c = node("c");
    List<Presence> all = List.of(a, b, c);
    String alice = ok(a.track("p1", TOPIC, "alice", Map.of("device", "phone")));
    ok(b.track("p2", TOPIC, "bob", Map.of()));
    awaitKeys(all, Set.of("alice", "bob"));
    assertThat(c.get(TOPIC, "alice"))
        .isEqualTo(Map.of("metas", List.of(Map.of("device", "phone", "phx_ref", alice))));

    redis.kill();
    // Cut off, each node soon lists only its own presences; changes go on locally.
    ok(c.track("p3", TOPIC, "carol", Map.of()));
    ok(b.untrack("p2", TOPIC, "bob"));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(a.list(TOPIC).keySet()).isEqualTo(Set.of("alice")));

    redis.restart();
    awaitKeys(all, Set.of("alice", "carol"));
  }

  @Test
  void twoLayersOfAKindOnOnePubSubEachRegisterTheirCodecHarmlessly() {
    // Two endpoints and two presences (another tracker name) per node, as two apps in one JVM.
    RedisPubSub onA = pubSub("a");
    RedisPubSub onB = pubSub("b");
    List<Presence> lobby = new ArrayList<>();
    List<Presence> staff = new ArrayList<>();
    for (RedisPubSub pubSub : List.of(onA, onB)) {
      Endpoint.builder().pubSub(pubSub);
      Endpoint.builder().pubSub(pubSub);
      lobby.add(Presence.start(pubSub, FAST));
      staff.add(Presence.start(pubSub, FAST.withTracker(FAST.tracker().withName("staff"))));
    }
    lobby.forEach(resources::add);
    staff.forEach(resources::add);
    List<Object> heardOnB = new CopyOnWriteArrayList<>();
    onB.subscribe("room:news", delivery -> heardOnB.add(delivery.message()));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> onA.health() == RedisHealth.UP && onB.health() == RedisHealth.UP);

    ok(lobby.get(0).track("p1", TOPIC, "alice", Map.of()));
    ok(staff.get(1).track("p2", TOPIC, "bob", Map.of()));
    Broadcast news = new Broadcast("room:news", "headline", Map.of("text", "hello"));
    onA.broadcast("room:news", news);

    awaitKeys(lobby, Set.of("alice"));
    awaitKeys(staff, Set.of("bob"));
    await().atMost(Duration.ofSeconds(20)).until(() -> heardOnB.contains(news));
  }

  @Test
  void aNodeThatShutsDownTakesItsPresencesWithIt() {
    Presence a = node("a");
    Presence b = node("b");
    ok(a.track("p1", TOPIC, "alice", Map.of()));
    ok(b.track("p2", TOPIC, "bob", Map.of()));
    awaitKeys(List.of(a, b), Set.of("alice", "bob"));
    b.close();
    awaitKeys(List.of(a), Set.of("alice"));
  }
}
