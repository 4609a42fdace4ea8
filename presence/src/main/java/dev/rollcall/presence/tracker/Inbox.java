package dev.rollcall.presence.tracker;

import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.TrackerState;
import dev.rollcall.pubsub.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages from peers: taken off the PubSub's thread onto the actor, then each kind handed to the
 * part that owns it. Threading: {@link #receive} runs on any thread; the rest on the actor.
 */
final class Inbox {
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  private final TrackerState state;
  private final ViewUpkeep upkeep;
  private final Peers peers;
  private final Transfers transfers;
  private final Actor actor;
  private final TrackerClock clock;
  private final TrackerConfig config;
  private final TrackerTimings timings;
  private long nameClashes;

  Inbox(
      TrackerState state,
      ViewUpkeep upkeep,
      Peers peers,
      Transfers transfers,
      Actor actor,
      TrackerClock clock,
      TrackerConfig config,
      TrackerTimings timings) {
    this.timings = timings;
    this.state = state;
    this.upkeep = upkeep;
    this.peers = peers;
    this.transfers = transfers;
    this.actor = actor;
    this.clock = clock;
    this.config = config;
  }

  /** The PubSub subscription of this replica (any thread). */
  void receive(Delivery delivery) {
    if (!(delivery.message() instanceof TrackerMessage message)) {
      log.warn(
          "tracker {} dropped a foreign message on {}: {}",
          config.name(),
          config.topic(),
          delivery.message() == null ? "null" : delivery.message().getClass().getName());
      return;
    }
    if (message.from().equals(state.replica())) {
      return;
    }
    actor.execute(
        () -> {
          try {
            handle(message);
          } catch (RuntimeException e) {
            log.warn("tracker {} dropped a bad {}: {}", config.name(), message, e.toString());
          }
        });
  }

  private void handle(TrackerMessage message) {
    if (message.from().name().equals(state.replica().name())) {
      // Two live nodes with one name would remove each other's presences as "restarts".
      if (nameClashes++ % 100 == 0) {
        log.warn(
            "tracker {}: another replica {} uses this node's name; its messages are ignored",
            config.name(),
            message.from());
      }
      return;
    }
    switch (message) {
      case TrackerMessage.Heartbeat heartbeat -> heartbeat(heartbeat);
      case TrackerMessage.TransferRequest request -> transfers.answer(request);
      case TrackerMessage.TransferAck ack -> transfers.merge(ack);
      case TrackerMessage.GracefulPermdown permdown -> peers.shutDown(permdown.from());
    }
  }

  private void heartbeat(TrackerMessage.Heartbeat heartbeat) {
    Replica peer = heartbeat.from();
    long now = clock.nanoTime();
    if (!peers.heard(peer, now)) {
      return;
    }
    if (heartbeat.delta() != null) {
      long start = timings.start();
      upkeep.report(state.merge(heartbeat.delta()));
      timings.merged(start);
    }
    transfers.advertised(peer, heartbeat.clock(), now);
  }
}
