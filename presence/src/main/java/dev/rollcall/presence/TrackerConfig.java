package dev.rollcall.presence;

import java.time.Duration;
import java.util.Objects;

/**
 * How presence's tracker gossips between nodes and when it gives up on a silent peer.
 *
 * <p>Defaults (see docs/presence.md): a heartbeat every second, carrying the delta when there is
 * one and sent even when idle, so silence means failure. A peer silent for 3 s is down (its
 * presences leave): a crashed node's presences are gone everywhere within about 3-4 s, while a 1 s
 * GC pause stretches a heartbeat gap to about 2 s, still 1 s short of down. Phoenix uses 1.5 s
 * heartbeats with an empty one only every 15 s, hence its 30 s down period.
 *
 * <p>A local change does not wait for the next heartbeat: {@code deltaDelay} (default 25 ms) after
 * the first change, the replica sends every change made in that window as one early delta, so a
 * hero joining on one node is visible on the others within tens of milliseconds instead of up to a
 * heartbeat period. The heartbeats still run on their own schedule for failure detection and gap
 * repair.
 *
 * @param name the tracker's name; its replicas talk on the PubSub topic {@code "phx_presence:" +
 *     name}, so every node must use the same name
 * @param broadcastPeriod time between heartbeats
 * @param downPeriod silence after which a peer is down; at least 2 × broadcastPeriod, so one lost
 *     or late heartbeat is not a failure
 * @param permdownPeriod silence after which a down peer is forgotten for good; more than downPeriod
 *     (Phoenix: 20 min)
 * @param deltaDelay how long after a local change its delta is sent, batching every change made in
 *     that window into one message; zero sends deltas only with heartbeats (Phoenix's behaviour);
 *     less than broadcastPeriod
 */
public record TrackerConfig(
    String name,
    Duration broadcastPeriod,
    Duration downPeriod,
    Duration permdownPeriod,
    Duration deltaDelay) {

  public TrackerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(broadcastPeriod, "broadcastPeriod");
    Objects.requireNonNull(downPeriod, "downPeriod");
    Objects.requireNonNull(permdownPeriod, "permdownPeriod");
    Objects.requireNonNull(deltaDelay, "deltaDelay");
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
    if (deltaDelay.isNegative() || deltaDelay.compareTo(broadcastPeriod) >= 0) {
      throw new IllegalArgumentException(
          "deltaDelay must be >= 0 and < broadcastPeriod ("
              + broadcastPeriod
              + "), was "
              + deltaDelay);
    }
  }

  public static TrackerConfig defaults() {
    return new TrackerConfig(
        "presence",
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        Duration.ofMinutes(20),
        Duration.ofMillis(25));
  }

  public TrackerConfig withName(String name) {
    return new TrackerConfig(name, broadcastPeriod, downPeriod, permdownPeriod, deltaDelay);
  }

  public TrackerConfig withDeltaDelay(Duration deltaDelay) {
    return new TrackerConfig(name, broadcastPeriod, downPeriod, permdownPeriod, deltaDelay);
  }

  /** The PubSub topic the replicas of this tracker talk on. */
  public String topic() {
    return "phx_presence:" + name;
  }
}
