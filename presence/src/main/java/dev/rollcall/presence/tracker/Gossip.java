package dev.rollcall.presence.tracker;

import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;

/**
 * How a replica talks to its peers: every {@link TrackerMessage} goes over the tracker's one PubSub
 * topic, to all peers or to one. Either may throw when the PubSub cannot send; callers decide what
 * a lost message costs. Thread-safe (the PubSub is).
 */
final class Gossip {
  private final PubSub pubSub;
  private final String topic;
  private final Subscriber inbox;

  /** {@code inbox} is this replica's own subscription, which its broadcasts skip. */
  Gossip(PubSub pubSub, String topic, Subscriber inbox) {
    this.pubSub = pubSub;
    this.topic = topic;
    this.inbox = inbox;
  }

  void toAll(TrackerMessage message) {
    pubSub.broadcastFrom(inbox, topic, message);
  }

  void to(Replica peer, TrackerMessage message) {
    pubSub.directBroadcast(peer.name(), topic, message);
  }

  void listen() {
    pubSub.subscribe(topic, inbox);
  }

  void stopListening() {
    pubSub.unsubscribe(topic, inbox);
  }
}
