package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.presence.Presence.Result;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.TrackerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several {@link Tracker}s over a simulated network that loses, repeats, reorders and splits. */
class TrackerClusterTest {
  private static final String TOPIC = "room:lobby";
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  /** Short periods so the tests run in seconds; the ratios are the defaults'. */
  private static final TrackerConfig FAST =
      new TrackerConfig(
          "test",
          Duration.ofMillis(50),
          Duration.ofMillis(300),
          Duration.ofSeconds(5),
          Duration.ofMillis(10));

  private final SimulatedNetwork network = new SimulatedNetwork();
  private final List<Node> nodes = new ArrayList<>();

  /** A tracker plus what its listener reported, replayed the way phoenix.js applies diffs. */
  private final class Node {
    final String name;
    final TrackerConfig config;
    volatile Tracker tracker;

    /** topic -> phx_ref -> key, built from diffs only. */
    final Map<String, Map<String, String>> fromDiffs = new ConcurrentHashMap<>();

    Node(String name, TrackerConfig config) {
      this.name = name;
      this.config = config;
      start();
    }

    void start() {
      tracker = Tracker.start(network.node(name), config, this::diff);
    }

    private synchronized void diff(String topic, List<KeyedMeta> joins, List<KeyedMeta> leaves) {
      Map<String, String> refs = fromDiffs.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
      joins.forEach(j -> refs.put(ref(j.meta()), j.key()));
      leaves.forEach(l -> refs.remove(ref(l.meta())));
    }

    /** key -> refs, as listed. */
    Map<String, Set<String>> listed(String topic) {
      Map<String, Set<String>> out = new TreeMap<>();
      tracker
          .list(topic)
          .forEach(
              (key, metas) ->
                  metas.forEach(m -> out.computeIfAbsent(key, k -> new TreeSet<>()).add(ref(m))));
      return out;
    }

    /** key -> refs, as a client applying this node's diffs would see it. */
    synchronized Map<String, Set<String>> diffed(String topic) {
      Map<String, Set<String>> out = new TreeMap<>();
      fromDiffs
          .getOrDefault(topic, Map.of())
          .forEach((ref, key) -> out.computeIfAbsent(key, k -> new TreeSet<>()).add(ref));
      return out;
    }
  }

  private static String ref(Map<String, Object> meta) {
    return (String) meta.get(PresenceMeta.PHX_REF);
  }

  private Node node(String name) {
    return node(name, FAST);
  }

  private Node node(String name, TrackerConfig config) {
    Node node = new Node(name, config);
    nodes.add(node);
    return node;
  }

  @AfterEach
  void stop() {
    nodes.forEach(node -> node.tracker.close());
    network.close();
  }

  private static String ok(Result result) {
    assertThat(result).isInstanceOf(Result.Ok.class);
    return ((Result.Ok) result).phxRef();
  }

  private void awaitEveryNodeLists(Map<String, Set<String>> expected) {
    await()
        .atMost(AT_MOST)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              for (Node node : nodes) {
                assertThat(node.listed(TOPIC)).as("list on " + node.name).isEqualTo(expected);
                assertThat(node.diffed(TOPIC)).as("diffs on " + node.name).isEqualTo(expected);
              }
            });
  }

  @Test
  void aTrackOnOneNodeIsListedEverywhereAndAnUntrackLeavesEverywhere() {
    Node a = node("a");
    Node b = node("b");
    String ref = ok(a.tracker.track("pid1", TOPIC, "alice", Map.of("device", "phone")));
    awaitEveryNodeLists(Map.of("alice", Set.of(ref)));
    assertThat(b.tracker.get(TOPIC, "alice"))
        .singleElement()
        .isEqualTo(Map.of("device", "phone", "phx_ref", ref));

    String updated = ok(a.tracker.update("pid1", TOPIC, "alice", Map.of("device", "laptop")));
    awaitEveryNodeLists(Map.of("alice", Set.of(updated)));
    assertThat(b.tracker.get(TOPIC, "alice"))
        .singleElement()
        .isEqualTo(Map.of("device", "laptop", "phx_ref", updated, "phx_ref_prev", ref));

    ok(a.tracker.untrack("pid1", TOPIC, "alice"));
    awaitEveryNodeLists(Map.of());
  }

  /** Heartbeats far apart (5 s, the first after 5-6.25 s): only an early delta can be seen. */
  private static final TrackerConfig SLOW_BEATS =
      new TrackerConfig(
          "test",
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofMinutes(1),
          Duration.ofMillis(30));

  @Test
  void aJoinIsVisibleOnAnotherNodeLongBeforeTheNextHeartbeat() {
    Node a = node("a", SLOW_BEATS);
    Node b = node("b", SLOW_BEATS);
    String alice = ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    // Generous, not a benchmark: the first heartbeat is at least 5 s away. The diff is handed to
    // the listener after the listing changed.
    await()
        .atMost(Duration.ofSeconds(4))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () -> {
              assertThat(b.listed(TOPIC)).isEqualTo(Map.of("alice", Set.of(alice)));
              assertThat(b.diffed(TOPIC)).isEqualTo(Map.of("alice", Set.of(alice)));
            });

    ok(a.tracker.untrack("p1", TOPIC, "alice"));
    await()
        .atMost(Duration.ofSeconds(4))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () -> {
              assertThat(b.listed(TOPIC)).isEmpty();
              assertThat(b.diffed(TOPIC)).isEmpty();
            });
  }

  @Test
  void changesMadeWithinTheDeltaDelayTravelAsOneMessage() {
    TrackerConfig batching = SLOW_BEATS.withDeltaDelay(Duration.ofMillis(500));
    Node a = node("a", batching);
    Node b = node("b", batching);
    Map<String, Set<String>> expected = new TreeMap<>();
    for (int i = 0; i < 100; i++) {
      expected.put("user" + i, Set.of(ok(a.tracker.track("p" + i, TOPIC, "user" + i, Map.of()))));
    }
    // Before the first heartbeat, 5 s away.
    await()
        .atMost(Duration.ofSeconds(4))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(b.listed(TOPIC)).isEqualTo(expected));
    // One delta for all 100 joins (a stall of the test thread past 500 ms could split it in two).
    assertThat(network.sent.get()).isBetween(1L, 2L);
  }

  @Test
  void anEarlyDeltaThatIsLostIsRepairedByTheHeartbeatsTransfer() {
    TrackerConfig fastBeats = FAST.withDeltaDelay(Duration.ofMillis(5));
    Node a = node("a", fastBeats);
    Node b = node("b", fastBeats);
    String alice = ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    awaitEveryNodeLists(Map.of("alice", Set.of(alice)));
    // b misses a's early delta for bob; a's next heartbeat shows the gap and b asks a transfer.
    network.isolate("b");
    String bob = ok(a.tracker.track("p2", TOPIC, "bob", Map.of()));
    await().atMost(AT_MOST).until(() -> !a.tracker.inspect(TrackerState::hasDelta));
    network.rejoin("b");
    awaitEveryNodeLists(Map.of("alice", Set.of(alice), "bob", Set.of(bob)));
  }

  @Test
  void nodesConvergeDespiteLossDuplicationAndReordering() {
    network.faults(0.2, 0.1, 30);
    for (String name : List.of("a", "b", "c", "d")) {
      node(name);
    }
    Map<String, Set<String>> expected = new TreeMap<>();
    Map<String, String> refKeys = new HashMap<>();
    Random random = new Random(42);
    List<String[]> tracked = new ArrayList<>(); // node index, owner, key, ref
    for (int step = 0; step < 400; step++) {
      int n = random.nextInt(nodes.size());
      Tracker tracker = nodes.get(n).tracker;
      int choice = random.nextInt(10);
      if (choice < 6 || tracked.isEmpty()) {
        String owner = "owner" + step;
        String key = "user" + random.nextInt(40);
        String ref = ok(tracker.track(owner, TOPIC, key, Map.of("step", step)));
        tracked.add(new String[] {String.valueOf(n), owner, key, ref});
        expected.computeIfAbsent(key, k -> new TreeSet<>()).add(ref);
        refKeys.put(ref, key);
      } else {
        String[] entry = tracked.remove(random.nextInt(tracked.size()));
        Tracker owner = nodes.get(Integer.parseInt(entry[0])).tracker;
        Set<String> refs = expected.get(entry[2]);
        refs.remove(entry[3]);
        if (choice < 8) {
          String ref = ok(owner.update(entry[1], TOPIC, entry[2], Map.of("step", step)));
          refs.add(ref);
          tracked.add(new String[] {entry[0], entry[1], entry[2], ref});
        } else {
          ok(owner.untrack(entry[1], TOPIC, entry[2]));
          if (refs.isEmpty()) {
            expected.remove(entry[2]);
          }
        }
      }
    }
    awaitEveryNodeLists(expected);
  }

  @Test
  void aPartitionHidesTheOtherSideAndHealingBringsItBack() {
    Node a = node("a");
    Node b = node("b");
    Node c = node("c");
    String alice = ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    String carol = ok(c.tracker.track("p2", TOPIC, "carol", Map.of()));
    awaitEveryNodeLists(Map.of("alice", Set.of(alice), "carol", Set.of(carol)));

    network.partition(Set.of("c"));
    String bob = ok(b.tracker.track("p3", TOPIC, "bob", Map.of()));
    ok(a.tracker.untrack("p1", TOPIC, "alice"));
    await()
        .atMost(AT_MOST)
        .untilAsserted(
            () -> {
              assertThat(c.listed(TOPIC)).isEqualTo(Map.of("carol", Set.of(carol)));
              assertThat(a.listed(TOPIC)).isEqualTo(Map.of("bob", Set.of(bob)));
              assertThat(b.listed(TOPIC)).isEqualTo(Map.of("bob", Set.of(bob)));
            });

    network.heal();
    awaitEveryNodeLists(Map.of("bob", Set.of(bob), "carol", Set.of(carol)));
  }

  @Test
  void aCrashedNodesPresencesLeaveAfterTheDownPeriod() {
    Node a = node("a");
    node("b");
    node("c");
    String alice = ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    String bob = ok(nodes.get(1).tracker.track("p2", TOPIC, "bob", Map.of()));
    awaitEveryNodeLists(Map.of("alice", Set.of(alice), "bob", Set.of(bob)));

    network.isolate("a");
    nodes.remove(a);
    awaitEveryNodeLists(Map.of("bob", Set.of(bob)));
    a.tracker.close();
  }

  @Test
  void aGracefulShutdownRemovesPresencesAtOnce() {
    // A down period far beyond the wait: only the shutdown message can explain the leave.
    TrackerConfig slowDown =
        new TrackerConfig(
            "test",
            Duration.ofMillis(50),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5),
            Duration.ofMillis(10));
    Node a = node("a", slowDown);
    node("b", slowDown);
    String alice = ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    awaitEveryNodeLists(Map.of("alice", Set.of(alice)));

    nodes.remove(a);
    a.tracker.close();
    awaitEveryNodeLists(Map.of());
  }

  @Test
  void aRestartedNodeReplacesItsPreviousLife() {
    TrackerConfig slowDown =
        new TrackerConfig(
            "test",
            Duration.ofMillis(50),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5),
            Duration.ofMillis(10));
    Node a = node("a", slowDown);
    node("b", slowDown);
    String alice = ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    awaitEveryNodeLists(Map.of("alice", Set.of(alice)));

    // a crash (no shutdown message) and a restart under the same node name
    network.isolate("a");
    Replica before = a.tracker.replica();
    a.tracker.close();
    a.fromDiffs.clear();
    network.rejoin("a");
    a.start();
    assertThat(a.tracker.replica().name()).isEqualTo("a");
    assertThat(a.tracker.replica().version()).isNotEqualTo(before.version());
    String again = ok(a.tracker.track("p9", TOPIC, "alice", Map.of()));
    awaitEveryNodeLists(Map.of("alice", Set.of(again)));
  }

  @Test
  void twoBigNodesMeetingForTheFirstTimeConverge() { // phoenix_pubsub #74
    Node a = node("a");
    Node b = node("b");
    network.partition(Set.of("a"));
    Map<String, Set<String>> expected = new TreeMap<>();
    for (int i = 0; i < 2_000; i++) {
      expected.put("a" + i, Set.of(ok(a.tracker.track("pa" + i, TOPIC, "a" + i, Map.of()))));
      expected.put("b" + i, Set.of(ok(b.tracker.track("pb" + i, TOPIC, "b" + i, Map.of()))));
    }
    network.heal();
    awaitEveryNodeLists(expected);
  }

  @Test
  void aForeignMessageOnTheTrackerTopicIsDroppedAndTheTrackerGoesOn() {
    Node a = node("a");
    Node b = node("b");
    network
        .node("b")
        .localBroadcast(FAST.topic(), "{\"k\":\"hb\",\"r\":[[\"x\",1]],\"f\":0,\"c\":9}");
    network.node("b").localBroadcast(FAST.topic(), 42);
    String alice = ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    awaitEveryNodeLists(Map.of("alice", Set.of(alice)));
    Set<Replica> known = b.tracker.inspect(s -> s.replicas().keySet());
    assertThat(known).extracting(Replica::name).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    Node a = node("a");
    Tracker tracker = a.tracker;
    String ref = ok(tracker.track("p1", TOPIC, "alice", Map.of()));
    assertThat(tracker.track("p1", TOPIC, "alice", Map.of()))
        .isEqualTo(new Result.Error("already_tracked"));
    assertThat(tracker.track("p1", TOPIC, "", Map.of()))
        .isEqualTo(new Result.Error("invalid key: empty"));
    assertThat(tracker.track("p1", TOPIC, "é".repeat(129), Map.of()))
        .isEqualTo(new Result.Error("invalid key: longer than 256 bytes"));
    assertThat(ok(tracker.track("p1", TOPIC, "x".repeat(256), Map.of()))).isNotEmpty();
    ok(tracker.untrack("p1", TOPIC, "x".repeat(256)));
    assertThat(tracker.track("p1", TOPIC, "bob", null))
        .isEqualTo(new Result.Error("invalid meta: meta must be a JSON object, not null"));
    assertThat(tracker.track("p1", TOPIC, "bob", Map.of("socket", new Object())))
        .isInstanceOf(Result.Error.class);
    assertThat(tracker.update("p1", TOPIC, "bob", Map.of()))
        .isEqualTo(new Result.Error("nopresence"));
    assertThat(tracker.untrack("p1", TOPIC, "bob")).isEqualTo(new Result.Error("nopresence"));
    assertThat(tracker.untrack("p2", TOPIC, "alice")).isEqualTo(new Result.Error("nopresence"));
    assertThat(tracker.update("p1", TOPIC, "alice", Map.of("bad", new Object())))
        .isInstanceOf(Result.Error.class);
    assertThat(a.listed(TOPIC)).isEqualTo(Map.of("alice", Set.of(ref)));
    int size = tracker.inspect(TrackerState::size);
    assertThat(size).isEqualTo(1);
  }

  @Test
  void untrackAllRemovesEveryTopicOfAnOwner() {
    Node a = node("a");
    node("b");
    ok(a.tracker.track("p1", TOPIC, "alice", Map.of()));
    ok(a.tracker.track("p1", "room:other", "alice", Map.of()));
    String bob = ok(a.tracker.track("p2", TOPIC, "bob", Map.of()));
    a.tracker.untrackAll("p1");
    awaitEveryNodeLists(Map.of("bob", Set.of(bob)));
    for (Node node : nodes) {
      assertThat(node.listed("room:other")).isEmpty();
    }
  }
}
