package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.presence.Presence.Result;
import dev.rollcall.presence.PresenceNode;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.ReplicaStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas whose time is a {@link ManualClock} and whose messages cross at once: what takes the
 * down or permdown period (seconds, twenty minutes) runs in milliseconds, and every step is
 * deterministic.
 */
class TrackerOnManualClockTest {
  private static final String TOPIC = "room:lobby";
  private static final TrackerConfig DEFAULTS = TrackerConfig.defaults();

  private final ManualClock clock = new ManualClock();
  private final SimulatedNetwork network = SimulatedNetwork.immediate();
  private final List<Tracker> trackers = new ArrayList<>();

  private Tracker start(String node, TrackerConfig config) {
    Tracker tracker =
        Tracker.start(
            network.node(node), config, (topic, joins, leaves) -> {}, clock, clock.actor());
    trackers.add(tracker);
    return tracker;
  }

  @AfterEach
  void stop() {
    trackers.forEach(Tracker::close);
    network.close();
  }

  private static String ok(Result result) {
    assertThat(result).isInstanceOf(Result.Ok.class);
    return ((Result.Ok) result).phxRef();
  }

  private static List<String> refs(Tracker tracker, String key) {
    return tracker.get(TOPIC, key).stream().map(meta -> (String) meta.get("phx_ref")).toList();
  }

  /** The replicas {@code tracker}'s state knows of. */
  private static Set<Replica> known(Tracker tracker) {
    return tracker.inspect(state -> Set.copyOf(state.replicas().keySet()));
  }

  private static ReplicaStatus status(Tracker tracker, Tracker peer) {
    return tracker.inspect(state -> state.status(peer.replica()));
  }

  @Test
  void changesMadeWithinTheDeltaDelayReachPeersAsOneMessageWhenItEnds() {
    Tracker a = start("a", DEFAULTS);
    Tracker b = start("b", DEFAULTS);
    ok(a.track("p1", TOPIC, "alice", Map.of()));
    ok(a.track("p2", TOPIC, "bob", Map.of()));
    ok(a.track("p3", TOPIC, "carol", Map.of()));
    long sentBefore = network.sent.get();

    clock.advance(DEFAULTS.deltaDelay().minusMillis(1));
    assertThat(b.list(TOPIC)).isEmpty();

    clock.advance(Duration.ofMillis(1));
    assertThat(b.list(TOPIC)).containsOnlyKeys("alice", "bob", "carol");
    assertThat(network.sent.get() - sentBefore).isEqualTo(1);
  }

  @Test
  void withTheDefaultPeriodsACrashedNodesPresencesLeaveWellWithinFiveSeconds() {
    // The defaults' promise (docs/presence.md): about 3-4 s after the crash, never before 2 s.
    Tracker a = start("a", DEFAULTS);
    Tracker b = start("b", DEFAULTS);
    String alice = ok(a.track("p1", TOPIC, "alice", Map.of()));
    clock.advance(Duration.ofSeconds(2));
    assertThat(refs(b, "alice")).containsExactly(alice);

    network.isolate("a");
    clock.advance(Duration.ofSeconds(2));
    assertThat(refs(b, "alice")).as("silent for less than downPeriod").containsExactly(alice);

    clock.advance(Duration.ofSeconds(3));
    assertThat(b.list(TOPIC)).isEmpty();
    assertThat(status(b, a)).isEqualTo(ReplicaStatus.DOWN);
  }

  @Test
  void aDownPeerIsForgottenAfterThePermdownPeriodAndMeetsAgainAsNew() {
    Tracker a = start("a", DEFAULTS);
    Tracker b = start("b", DEFAULTS);
    String alice = ok(a.track("p1", TOPIC, "alice", Map.of()));
    clock.advance(Duration.ofSeconds(2));
    network.isolate("a");

    clock.advance(DEFAULTS.downPeriod().plusSeconds(2));
    assertThat(known(b)).contains(a.replica());

    clock.advance(DEFAULTS.permdownPeriod());
    assertThat(known(b)).doesNotContain(a.replica());
    assertThat(known(a)).doesNotContain(b.replica());

    // The partition heals: the replicas meet as strangers, and a full transfer brings alice back.
    network.rejoin("a");
    clock.advance(DEFAULTS.broadcastPeriod().multipliedBy(3));
    assertThat(refs(b, "alice")).containsExactly(alice);
  }

  @Test
  void aGracefulShutdownRemovesPresencesAtOnce() {
    Tracker a = start("a", DEFAULTS);
    Tracker b = start("b", DEFAULTS);
    ok(a.track("p1", TOPIC, "alice", Map.of()));
    clock.advance(Duration.ofSeconds(2));
    assertThat(b.list(TOPIC)).containsOnlyKeys("alice");

    trackers.remove(a);
    a.close();
    clock.runDue();
    assertThat(b.list(TOPIC)).isEmpty();
    assertThat(known(b)).doesNotContain(a.replica());
  }

  @Test
  void nodesShowEachPeerUpThenDownWithItsSilenceThenForgotten() {
    Tracker a = start("a", DEFAULTS);
    Tracker b = start("b", DEFAULTS);
    clock.advance(DEFAULTS.broadcastPeriod().multipliedBy(2));
    assertThat(b.nodes())
        .containsExactly(
            new PresenceNode("b", true, true, Duration.ZERO),
            new PresenceNode("a", false, true, b.nodes().get(1).sinceHeard()));
    assertThat(b.nodes().get(1).sinceHeard()).isLessThanOrEqualTo(DEFAULTS.broadcastPeriod());

    network.isolate("a");
    clock.advance(DEFAULTS.downPeriod().plusSeconds(2));
    PresenceNode silent = b.nodes().get(1);
    assertThat(silent.name()).isEqualTo("a");
    assertThat(silent.up()).isFalse();
    assertThat(silent.sinceHeard()).isGreaterThan(DEFAULTS.downPeriod());

    clock.advance(DEFAULTS.permdownPeriod());
    assertThat(b.nodes()).extracting(PresenceNode::name).containsExactly("b");
    assertThat(a.nodes()).extracting(PresenceNode::name).containsExactly("a");
  }

  @Test
  void topicsCountKeysOnceWhereverTheyAreTracked() {
    Tracker a = start("a", DEFAULTS);
    Tracker b = start("b", DEFAULTS);
    ok(a.track("p1", TOPIC, "alice", Map.of()));
    ok(b.track("p2", TOPIC, "alice", Map.of()));
    ok(b.track("p3", TOPIC, "bob", Map.of()));
    ok(b.track("p4", "room:other", "carol", Map.of()));
    clock.advance(DEFAULTS.broadcastPeriod().multipliedBy(2));
    assertThat(a.topics()).isEqualTo(Map.of(TOPIC, 2, "room:other", 1));

    a.untrackAll("p1");
    b.untrackAll("p4");
    clock.advance(DEFAULTS.broadcastPeriod().multipliedBy(2));
    assertThat(a.topics()).isEqualTo(Map.of(TOPIC, 2));
  }
}
