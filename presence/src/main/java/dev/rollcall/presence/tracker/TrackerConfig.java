package dev.rollcall.presence.tracker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Tracker} gossips and when it gives up on a silent peer.
 *
 * <p>Defaults (see docs/presence.md): a heartbeat every second, carrying the delta when there is
 * one and sent even when idle, so silence means failure. A peer silent for 3 s is down (its
 * presences leave): a crashed node's presences are gone everywhere within about 3-4 s, while a 1 s
 * GC pause stretches a heartbeat gap to about 2 s, still 1 s short of down. Phoenix uses 1.5 s
 * heartbeats with an empty one only every 15 s, hence its 30 s down period.
 *
 * @param name the tracker's name; its replicas talk on the PubSub topic {@code "phx_presence:" +
 *     name}, so every node must use the same name
 * @param broadcastPeriod time between heartbeats
 * @param downPeriod silence after which a peer is down; at least 2 × broadcastPeriod, so one lost
 *     or late heartbeat is not a failure
 * @param permdownPeriod silence after which a down peer is forgotten for good; more than downPeriod
 *     (Phoenix: 20 min)
 */
public record TrackerConfig(
    String name, Duration broadcastPeriod, Duration downPeriod, Duration permdownPeriod) {

  public TrackerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(broadcastPeriod, "broadcastPeriod");
    Objects.requireNonNull(downPeriod, "downPeriod");
    Objects.requireNonNull(permdownPeriod, "permdownPeriod");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    if (broadcastPeriod.isNegative() || broadcastPeriod.isZero()) {
      throw new IllegalArgumentException("broadcastPeriod must be positive: " + broadcastPeriod);
    }
    if (downPeriod.compareTo(broadcastPeriod.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "downPeriod must be >= 2 x broadcastPeriod ("
              + broadcastPeriod.multipliedBy(2)
              + "), was "
              + downPeriod);
    }
    if (permdownPeriod.compareTo(downPeriod) <= 0) {
      throw new IllegalArgumentException(
          "permdownPeriod must be > downPeriod (" + downPeriod + "), was " + permdownPeriod);
    }
  }

  public static TrackerConfig defaults() {
    return new TrackerConfig(
        "presence", Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(20));
  }

  public TrackerConfig withName(String name) {
    return new TrackerConfig(name, broadcastPeriod, downPeriod, permdownPeriod);
  }

  /** The PubSub topic the replicas of this tracker talk on. */
  public String topic() {
    return "phx_presence:" + name;
  }
}
