package dev.rollcall.presence.tracker;

import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.Snapshot;
import dev.rollcall.presence.crdt.TrackerState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gap repair (after Phoenix.Tracker.Shard's transfer requests): which peers this replica misses
 * changes of, asking them for their state (again after two beats without an answer), answering
 * their requests in chunks, and merging what comes back. Threading: confined to the actor.
 */
final class Transfers {
  private static final Logger log = LoggerFactory.getLogger(Transfers.class);

  /** Entries per transfer message: ~400 KB of JSON, far below Redis's pubsub buffer limits. */
  static final int CHUNK_ENTRIES = 5_000;

  private final TrackerState state;
  private final Gossip gossip;
  private final ViewUpkeep upkeep;
  private final TrackerConfig config;
  private final TrackerTimings timings;

  private final Map<Replica, Long> askedAt = new HashMap<>();
  private final Map<Replica, Long> advertised = new HashMap<>();
  private final Map<Replica, Boolean> needed = new LinkedHashMap<>();

  Transfers(
      TrackerState state,
      Gossip gossip,
      ViewUpkeep upkeep,
      TrackerConfig config,
      TrackerTimings timings) {
    this.timings = timings;
    this.state = state;
    this.gossip = gossip;
    this.upkeep = upkeep;
    this.config = config;
  }

  /**
   * {@code peer}'s heartbeat advertised {@code clock}: a new gap (first meeting of a replica with
   * history, or a lost delta) is asked for at once; a closed one is cleared.
   */
  void advertised(Replica peer, long clock, long now) {
    advertised.put(peer, clock);
    if (state.hasGap(peer, clock)) {
      if (needed.put(peer, Boolean.TRUE) == null) {
        ask(peer, now);
      }
    } else {
      needed.remove(peer);
      askedAt.remove(peer);
    }
  }

  /** Asks each peer with a gap again whose last request went unanswered for two beats. */
  void askAgain(long now) {
    long retryAfter = config.broadcastPeriod().toNanos() * 2;
    for (Replica peer : List.copyOf(needed.keySet())) {
      Long asked = askedAt.get(peer);
      if (asked == null || now - asked > retryAfter) {
        ask(peer, now);
      }
    }
  }

  private void ask(Replica peer, long now) {
    askedAt.put(peer, now);
    List<Replica> knows = List.copyOf(state.replicas().keySet());
    try {
      gossip.to(peer, new TrackerMessage.TransferRequest(state.replica(), peer, knows));
    } catch (RuntimeException e) {
      log.warn("tracker {} could not ask {} for a transfer: {}", config.name(), peer, e.toString());
    }
  }

  /** Sends {@code request}'s sender what it does not know of this replica's state. */
  void answer(TrackerMessage.TransferRequest request) {
    if (!request.to().equals(state.replica())) {
      return;
    }
    for (Snapshot chunk : state.extractChunks(request.from(), request.knows(), CHUNK_ENTRIES)) {
      gossip.to(
          request.from(), new TrackerMessage.TransferAck(state.replica(), request.from(), chunk));
    }
  }

  /** Merges a transferred chunk; the gap is closed once the advertised clock is reached. */
  void merge(TrackerMessage.TransferAck ack) {
    if (!ack.to().equals(state.replica()) || state.status(ack.from()) == null) {
      return;
    }
    long start = timings.start();
    upkeep.report(state.merge(ack.state()));
    timings.merged(start);
    Long clock = advertised.get(ack.from());
    if (clock != null && !state.hasGap(ack.from(), clock)) {
      needed.remove(ack.from());
      askedAt.remove(ack.from());
    }
  }

  void forget(Replica peer) {
    advertised.remove(peer);
    askedAt.remove(peer);
    needed.remove(peer);
  }
}
