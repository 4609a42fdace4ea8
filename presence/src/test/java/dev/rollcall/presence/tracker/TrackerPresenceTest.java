package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.ExitReason;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.Presence.Result;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.pubsub.PubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrackerPresenceTest {
  private static final String TOPIC = "room:lobby";
  private static final TrackerConfig FAST =
      new TrackerConfig(
          "presence",
          Duration.ofMillis(50),
          Duration.ofMillis(300),
          Duration.ofSeconds(5),
          Duration.ofMillis(10));
  private static final PresenceConfig NO_WINDOW =
      new PresenceConfig(FAST, Duration.ZERO, Duration.ZERO);

  /**
   * {@link #NO_WINDOW}, but a peer is down only after a silence longer than any test here waits:
   * with FAST's 300 ms, a loaded machine's scheduling stall is a legitimate down and up, which
   * repeats the peer's presences as a leave and a join (see {@link
   * #aPeerThatGoesDownAndUpRepeatsItsPresencesOnlyToTheSubscribersOfTheNodeThatSawIt}).
   */
  private static final PresenceConfig NO_WINDOW_NO_FALSE_DOWNS =
      new PresenceConfig(
          new TrackerConfig(
              "presence",
              FAST.broadcastPeriod(),
              Duration.ofSeconds(20),
              Duration.ofSeconds(40),
              FAST.deltaDelay()),
          Duration.ZERO,
          Duration.ZERO);

  private final SimulatedNetwork network = new SimulatedNetwork();
  private final List<Presence> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(Presence::close);
    network.close();
  }

  private Presence start(String node, PresenceConfig config, PresenceFetch fetch) {
    Presence presence = Presence.start(network.node(node), config, fetch);
    started.add(presence);
    return presence;
  }

  private Presence start(String node) {
    return start(node, NO_WINDOW, PresenceFetch.IDENTITY);
  }

  /** The presence_diff payloads that local subscribers of {@code topic} on {@code node} get. */
  private ConcurrentLinkedQueue<Object> diffs(String node, String topic) {
    ConcurrentLinkedQueue<Object> diffs = new ConcurrentLinkedQueue<>();
    PubSub pubSub = network.node(node);
    pubSub.subscribe(
        topic,
        delivery -> {
          if (delivery.message() instanceof Broadcast broadcast
              && broadcast.event().equals("presence_diff")) {
            assertThat(broadcast.topic()).isEqualTo(topic);
            diffs.add(broadcast.payload());
          }
        });
    return diffs;
  }

  private static String ok(Result result) {
    assertThat(result).isInstanceOf(Result.Ok.class);
    return ((Result.Ok) result).phxRef();
  }

  private static Map<String, Object> diff(Map<String, Object> joins, Map<String, Object> leaves) {
    return Map.of("joins", joins, "leaves", leaves);
  }

  private static Map<String, Object> metas(Map<?, ?>... metas) {
    return Map.of("metas", List.of(metas));
  }

  @Test
  void listAndGetHavePhoenixShape() {
    Presence presence = start("a");
    FakeChannelSocket channel = new FakeChannelSocket("ch1", TOPIC);
    String ref = ok(presence.track(channel, "alice", Map.of("online_at", "1")));
    assertThat(ref).hasSize(16).matches("[A-Za-z0-9_-]+");

    Map<String, Object> meta = Map.of("online_at", "1", "phx_ref", ref);
    assertThat(presence.list(TOPIC)).isEqualTo(Map.of("alice", metas(meta)));
    assertThat(presence.get(TOPIC, "alice")).isEqualTo(metas(meta));
    assertThat(presence.get(TOPIC, "bob")).isEmpty();
    assertThat(presence.list("room:empty")).isEmpty();

    // a second channel of the same user is a second meta under the same key
    String ref2 = ok(presence.track(new FakeChannelSocket("ch2", TOPIC), "alice", Map.of()));
    assertThat(presence.get(TOPIC, "alice")).isEqualTo(metas(meta, Map.of("phx_ref", ref2)));
    assertThat(ref2).isNotEqualTo(ref);
  }

  @Test
  void everyLocalChangeIsOneDiffForTheTopicsLocalSubscribers() {
    Presence presence = start("a");
    ConcurrentLinkedQueue<Object> diffs = diffs("a", TOPIC);
    FakeChannelSocket channel = new FakeChannelSocket("ch1", TOPIC);

    String ref = ok(presence.track(channel, "alice", Map.of("status", "idle")));
    Map<String, Object> first = Map.of("status", "idle", "phx_ref", ref);
    assertThat(diffs.poll()).isEqualTo(diff(Map.of("alice", metas(first)), Map.of()));

    String ref2 = ok(presence.update(channel, "alice", Map.of("status", "busy")));
    Map<String, Object> second = Map.of("status", "busy", "phx_ref", ref2, "phx_ref_prev", ref);
    assertThat(diffs.poll())
        .isEqualTo(diff(Map.of("alice", metas(second)), Map.of("alice", metas(first))));

    ok(presence.untrack(channel, "alice"));
    assertThat(diffs.poll()).isEqualTo(diff(Map.of(), Map.of("alice", metas(second))));
    assertThat(diffs).isEmpty();
    assertThat(presence.list(TOPIC)).isEmpty();
  }

  @Test
  void aChannelThatEndsIsUntrackedHoweverItEnds() {
    Presence presence = start("a");
    ConcurrentLinkedQueue<Object> diffs = diffs("a", TOPIC);
    FakeChannelSocket channel = new FakeChannelSocket("ch1", TOPIC);
    String alice = ok(presence.track(channel, "alice", Map.of()));
    String alias = ok(presence.track(channel, "alice-alias", Map.of()));
    String bob = ok(presence.track(new FakeChannelSocket("ch2", TOPIC), "bob", Map.of()));
    assertThat(channel.exitHooks()).isEqualTo(1);
    diffs.clear();

    channel.exit(ExitReason.CRASHED);
    assertThat(presence.list(TOPIC)).isEqualTo(Map.of("bob", metas(Map.of("phx_ref", bob))));
    List<Object> leaves = new ArrayList<>(diffs);
    assertThat(leaves)
        .containsExactlyInAnyOrder(
            diff(Map.of(), Map.of("alice", metas(Map.of("phx_ref", alice)))),
            diff(Map.of(), Map.of("alice-alias", metas(Map.of("phx_ref", alias)))));
  }

  @Test
  void changesOnOtherNodesBecomeLocalDiffs() {
    Presence a = start("a", NO_WINDOW_NO_FALSE_DOWNS, PresenceFetch.IDENTITY);
    Presence b = start("b", NO_WINDOW_NO_FALSE_DOWNS, PresenceFetch.IDENTITY);
    ConcurrentLinkedQueue<Object> onB = diffs("b", TOPIC);
    ConcurrentLinkedQueue<Object> onA = diffs("a", TOPIC);

    String ref = ok(a.track("owner1", TOPIC, "alice", Map.of("n", 1)));
    Map<String, Object> meta = Map.of("n", 1, "phx_ref", ref);
    Object joined = diff(Map.of("alice", metas(meta)), Map.of());
    Object left = diff(Map.of(), Map.of("alice", metas(meta)));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(onB).containsExactly(joined));
    assertThat(b.list(TOPIC)).isEqualTo(Map.of("alice", metas(meta)));

    a.untrackAll("owner1");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(onB).containsExactly(joined, left));
    assertThat(b.list(TOPIC)).isEmpty();
    // each node's subscribers hear each change once: diffs are local broadcasts
    // (phoenix_pubsub_redis #26); a's come from its own tracker thread, maybe after b's
    await().untilAsserted(() -> assertThat(onA).containsExactly(joined, left));
  }

  @Test
  void aPeerThatGoesDownAndUpRepeatsItsPresencesOnlyToTheSubscribersOfTheNodeThatSawIt() {
    // What a heartbeat gap longer than the down period does (a partition, or a stalled thread on a
    // loaded machine); Phoenix.Tracker reports the same leaves on down and joins on up.
    Presence a = start("a");
    Presence b = start("b");
    ConcurrentLinkedQueue<Object> onB = diffs("b", TOPIC);
    ConcurrentLinkedQueue<Object> onA = diffs("a", TOPIC);
    String ref = ok(a.track("owner1", TOPIC, "alice", Map.of("n", 1)));
    Map<String, Object> meta = Map.of("n", 1, "phx_ref", ref);
    Object joined = diff(Map.of("alice", metas(meta)), Map.of());
    Object left = diff(Map.of(), Map.of("alice", metas(meta)));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(onB).containsExactly(joined));

    // B stops hearing A, so A is down at B (alice leaves there), and B misses A's untrack
    network.isolate("a");
    a.untrackAll("owner1");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(onB).containsExactly(joined, left));

    // A is up again at B, which lists what it still holds of A, until the transfer removes it
    network.rejoin("a");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(onB).containsExactly(joined, left, joined, left));
    assertThat(b.list(TOPIC)).isEmpty();
    // A's own subscribers heard its own two changes, once each, whatever B went through
    await().untilAsserted(() -> assertThat(onA).containsExactly(joined, left));
  }

  @Test
  void fetchEnrichesListsGetsAndDiffs() {
    PresenceFetch fetch =
        (topic, presences) -> {
          Map<String, Map<String, Object>> enriched = new HashMap<>();
          presences.forEach(
              (key, presence) -> {
                Map<String, Object> withUser = new HashMap<>(presence);
                withUser.put("user", Map.of("name", key.toUpperCase()));
                enriched.put(key, withUser);
              });
          return enriched;
        };
    Presence presence = start("a", NO_WINDOW, fetch);
    ConcurrentLinkedQueue<Object> diffs = diffs("a", TOPIC);
    String ref = ok(presence.track("o1", TOPIC, "alice", Map.of()));
    Map<String, Object> alice =
        Map.of("metas", List.of(Map.of("phx_ref", ref)), "user", Map.of("name", "ALICE"));
    assertThat(presence.list(TOPIC)).isEqualTo(Map.of("alice", alice));
    assertThat(presence.get(TOPIC, "alice")).isEqualTo(alice);
    assertThat(diffs.poll()).isEqualTo(diff(Map.of("alice", alice), Map.of()));
  }

  @Test
  void badInputGetsAClearErrorAndChangesNothing() {
    Presence presence = start("a");
    ConcurrentLinkedQueue<Object> diffs = diffs("a", TOPIC);
    FakeChannelSocket channel = new FakeChannelSocket("ch1", TOPIC);
    String ref = ok(presence.track(channel, "alice", Map.of()));
    diffs.clear();

    assertThat(presence.track(channel, "alice", Map.of()))
        .isEqualTo(new Result.Error("already_tracked"));
    assertThat(presence.track(channel, "", Map.of()))
        .isEqualTo(new Result.Error("invalid key: empty"));
    assertThat(presence.track(channel, "k".repeat(257), Map.of()))
        .isEqualTo(new Result.Error("invalid key: longer than 256 bytes"));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, Object> notJson = (Map) Map.of(1, "numeric key");
    assertThat(presence.track(channel, "bob", notJson))
        .isEqualTo(new Result.Error("invalid meta: meta keys must be strings: 1"));
    assertThat(presence.track(channel, "bob", Map.of("thread", Thread.currentThread())))
        .isInstanceOf(Result.Error.class);
    assertThat(presence.update(channel, "bob", Map.of())).isEqualTo(new Result.Error("nopresence"));
    assertThat(presence.untrack(channel, "bob")).isEqualTo(new Result.Error("nopresence"));

    assertThat(diffs).isEmpty();
    assertThat(presence.list(TOPIC)).isEqualTo(Map.of("alice", metas(Map.of("phx_ref", ref))));
  }

  @Test
  void aMetaIsCopiedSoTheCallerCannotChangeItLater() {
    Presence presence = start("a");
    Map<String, Object> meta = new HashMap<>(Map.of("status", "idle"));
    String ref = ok(presence.track("o1", TOPIC, "alice", meta));
    meta.put("status", "changed behind our back");
    assertThat(presence.get(TOPIC, "alice"))
        .isEqualTo(metas(Map.of("status", "idle", "phx_ref", ref)));
  }

  @Test
  void configurationIsValidated() {
    assertThat(PresenceConfig.defaults().diffWindow()).isEqualTo(Duration.ofMillis(25));
    assertThat(TrackerConfig.defaults().downPeriod()).isEqualTo(Duration.ofSeconds(3));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TrackerConfig(
                    "t",
                    Duration.ofSeconds(1),
                    Duration.ofMillis(1500),
                    Duration.ofMinutes(1),
                    Duration.ZERO))
        .hasMessage("downPeriod must be >= 2 x broadcastPeriod (PT2S), was PT1.5S");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TrackerConfig(
                    "t",
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(3),
                    Duration.ZERO))
        .hasMessage("permdownPeriod must be > downPeriod (PT3S), was PT3S");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrackerConfig.defaults().withDeltaDelay(Duration.ofMillis(-1)))
        .hasMessage("deltaDelay must be >= 0 and < broadcastPeriod (PT1S), was PT-0.001S");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrackerConfig.defaults().withDeltaDelay(Duration.ofSeconds(1)))
        .hasMessage("deltaDelay must be >= 0 and < broadcastPeriod (PT1S), was PT1S");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new PresenceConfig(FAST, Duration.ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PresenceConfig.defaults().withMaxDiffWindow(Duration.ofMillis(10)))
        .hasMessage("maxDiffWindow must be between diffWindow (PT0.025S) and PT1S, was PT0.01S");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PresenceConfig.defaults().withMaxDiffWindow(Duration.ofSeconds(2)))
        .hasMessage("maxDiffWindow must be between diffWindow (PT0.025S) and PT1S, was PT2S");
  }
}
