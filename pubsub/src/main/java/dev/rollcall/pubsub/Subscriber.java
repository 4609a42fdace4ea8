package dev.rollcall.pubsub;

/** Receives messages for the topics it subscribed to. Must not block: see {@link PubSub}. */
@FunctionalInterface
public interface Subscriber {

  /**
   * One message for one subscriber. Every subscriber of one broadcast on a node sees the same
   * {@link Delivery}, so work that is the same for all of them (encoding a frame) can be done once
   * through {@link Delivery#memo}.
   */
  void deliver(Delivery delivery);
}
