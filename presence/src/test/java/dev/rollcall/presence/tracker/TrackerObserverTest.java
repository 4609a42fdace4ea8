package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.TrackerObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tracker's observer hears each heartbeat and each merge of a peer's delta, timed on the
 * tracker's clock; replicas on a {@link ManualClock}, so the beats are counted exactly.
 */
class TrackerObserverTest {
  private static final TrackerConfig CONFIG = TrackerConfig.defaults();

  private final ManualClock clock = new ManualClock();
  private final SimulatedNetwork network = SimulatedNetwork.immediate();
  private final List<Tracker> trackers = new ArrayList<>();

  private static final class Observations implements TrackerObserver {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void heartbeat(long nanos) {
      assertThat(nanos).isNotNegative();
      seen.add("heartbeat");
    }

    @Override
    public void merged(long nanos) {
      assertThat(nanos).isNotNegative();
      seen.add("merge");
    }

    long count(String kind) {
      return seen.stream().filter(kind::equals).count();
    }
  }

  private Tracker start(String node) {
    Tracker tracker =
        Tracker.start(
            network.node(node), CONFIG, (topic, joins, leaves) -> {}, clock, clock.actor());
    trackers.add(tracker);
    return tracker;
  }

  @AfterEach
  void stop() {
    trackers.forEach(Tracker::close);
    network.close();
  }

  @Test
  void eachHeartbeatAndEachMergedDeltaIsObserved() {
    Tracker a = start("a");
    Tracker b = start("b");
    var observations = new Observations();
    b.observe(observations);

    // The first beat comes within 1.25 periods (jitter), then one per period.
    clock.advance(CONFIG.broadcastPeriod().multipliedBy(5).dividedBy(4));
    assertThat(observations.count("heartbeat")).isEqualTo(1);
    clock.advance(CONFIG.broadcastPeriod().multipliedBy(3));
    assertThat(observations.count("heartbeat")).isEqualTo(4);
    assertThat(observations.count("merge")).as("a's beats carried no delta").isZero();

    a.track("p1", "room:lobby", "alice", Map.of());
    clock.advance(CONFIG.deltaDelay());
    assertThat(b.list("room:lobby")).containsOnlyKeys("alice");
    assertThat(observations.count("merge")).isEqualTo(1);

    b.observe(TrackerObserver.NONE);
    a.track("p2", "room:lobby", "bob", Map.of());
    clock.advance(Duration.ofSeconds(2));
    assertThat(b.list("room:lobby")).containsOnlyKeys("alice", "bob");
    assertThat(observations.seen).hasSize(5);
  }
}
