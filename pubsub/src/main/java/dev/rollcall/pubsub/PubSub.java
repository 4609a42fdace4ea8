package dev.rollcall.pubsub;

/**
 * Topic-based publish/subscribe (after Phoenix.PubSub).
 *
 * <p>Delivery is at-most-once and ordered per publisher and topic. {@link Subscriber#deliver} is
 * called on the publisher's thread (local messages) or on the implementation's I/O thread (remote
 * ones): subscribers must not block; they hand work to their own mailbox.
 *
 * <p>Messages that cross nodes must be of a type a {@link #register registered} {@link
 * MessageCodec} knows: each layer registers the codecs of its own messages when it starts on a
 * PubSub. Thread-safe.
 */
public interface PubSub extends AutoCloseable {

  /** This node's name, unique in the cluster. */
  String node();

  /** Subscribes {@code subscriber} to {@code topic}; subscribing twice is a no-op. */
  void subscribe(String topic, Subscriber subscriber);

  /** Removes one subscription; unknown subscriptions are ignored. */
  void unsubscribe(String topic, Subscriber subscriber);

  /** Removes every subscription of {@code subscriber} (for instance when its channel dies). */
  void unsubscribeAll(Subscriber subscriber);

  /** Delivers to every subscriber of {@code topic} on every node. */
  void broadcast(String topic, Object message);

  /** Like {@link #broadcast}, but not back to {@code from} (the sender's own subscription). */
  void broadcastFrom(Subscriber from, String topic, Object message);

  /** Delivers to the subscribers of {@code topic} on this node only. */
  void localBroadcast(String topic, Object message);

  /** Delivers to the subscribers of {@code topic} on the node named {@code node} only. */
  void directBroadcast(String node, String topic, Object message);

  /**
   * Teaches this PubSub to carry one layer's messages between nodes. Registering a codec of a class
   * already registered is a no-op, so every layer (and every endpoint sharing one PubSub) registers
   * its codecs when it starts without coordinating with the others; a codec of another class under
   * a {@link MessageCodec#kind() kind} already taken is refused with an {@link
   * IllegalArgumentException}. Implementations that never leave the process accept and ignore it.
   */
  void register(MessageCodec codec);

  /** Number of local subscribers of {@code topic} (for metrics and tests). */
  int subscriberCount(String topic);

  @Override
  void close();
}
