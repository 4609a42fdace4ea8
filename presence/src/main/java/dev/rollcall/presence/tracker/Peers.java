package dev.rollcall.presence.tracker;

import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.ReplicaStatus;
import dev.rollcall.presence.crdt.TrackerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the other replicas are (one live incarnation per node name) and when each was last heard: a
 * peer silent for the down period is down (its presences leave), one silent for the permdown
 * period, or that said goodbye, is forgotten. Threading: confined to the actor, except {@link
 * #sightings()}, a concurrent copy that any thread may read.
 */
final class Peers {
  private static final Logger log = LoggerFactory.getLogger(Peers.class);

  private final TrackerState state;
  private final ViewUpkeep upkeep;
  private final Transfers transfers;
  private final TrackerConfig config;

  private final Map<String, Replica> incarnations = new HashMap<>();
  private final Map<Replica, Long> lastHeard = new HashMap<>();

  /** Per node name, as last decided on the actor; for readers on other threads (dashboards). */
  private final Map<String, Sighting> sightings = new ConcurrentHashMap<>();

  /** When a peer was last heard ({@link TrackerClock#nanoTime()}) and whether it is up. */
  record Sighting(long heardAt, boolean up) {}

  Peers(TrackerState state, ViewUpkeep upkeep, Transfers transfers, TrackerConfig config) {
    this.state = state;
    this.upkeep = upkeep;
    this.transfers = transfers;
    this.config = config;
  }

  /**
   * Makes sure {@code peer} is known and up, and notes that it was heard {@code now}; a new version
   * of a known name replaces (and removes the entries of) the old one. Returns false for a message
   * from an older incarnation, which is ignored.
   */
  boolean heard(Replica peer, long now) {
    Replica known = incarnations.get(peer.name());
    if (known != null && !known.equals(peer)) {
      if (known.version() > peer.version()) {
        return false;
      }
      log.info("tracker {}: {} restarted as {}", config.name(), known, peer);
      forget(known);
    }
    incarnations.put(peer.name(), peer);
    if (state.status(peer) != ReplicaStatus.UP) {
      upkeep.report(state.replicaUp(peer));
    }
    lastHeard.put(peer, now);
    sightings.put(peer.name(), new Sighting(now, true));
    return true;
  }

  /** Marks peers silent for downPeriod down, and forgets those silent for permdownPeriod. */
  void detectDowns(long now) {
    long down = config.downPeriod().toNanos();
    long permdown = config.permdownPeriod().toNanos();
    for (Map.Entry<Replica, Long> heard : List.copyOf(lastHeard.entrySet())) {
      Replica peer = heard.getKey();
      long silence = now - heard.getValue();
      if (silence > permdown) {
        log.info("tracker {}: {} is permanently down", config.name(), peer);
        forget(peer);
      } else if (silence > down && state.status(peer) == ReplicaStatus.UP) {
        log.info("tracker {}: {} is down", config.name(), peer);
        upkeep.report(state.replicaDown(peer));
        sightings.put(peer.name(), new Sighting(heard.getValue(), false));
      }
    }
  }

  /** {@code peer} shut down and said so: its presences leave now, not after the down period. */
  void shutDown(Replica peer) {
    if (peer.equals(incarnations.get(peer.name()))) {
      log.info("tracker {}: {} shut down", config.name(), peer);
      forget(peer);
    }
  }

  private void forget(Replica peer) {
    upkeep.report(state.removeDown(peer));
    lastHeard.remove(peer);
    transfers.forget(peer);
    if (incarnations.remove(peer.name(), peer)) {
      sightings.remove(peer.name());
    }
  }

  /** The live incarnation of every known peer by name; safe to read from any thread. */
  Map<String, Sighting> sightings() {
    return sightings;
  }
}
