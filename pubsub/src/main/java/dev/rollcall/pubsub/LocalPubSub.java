package dev.rollcall.pubsub;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process {@link PubSub}: one node, nothing to install. Also the local half of every
 * node-crossing implementation, which delivers what arrives from peers through {@link
 * #localBroadcast}.
 *
 * <p>Thread-safe: subscriptions live in concurrent sets; delivery runs on the publisher's thread,
 * so messages from one publisher on one topic arrive in order.
 */
public final class LocalPubSub implements PubSub {
  private static final Logger log = LoggerFactory.getLogger(LocalPubSub.class);

  private final String node;
  private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private final Map<Subscriber, Set<String>> topicsOf = new ConcurrentHashMap<>();

  public LocalPubSub(String node) {
    this.node = Objects.requireNonNull(node, "node");
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public void subscribe(String topic, Subscriber subscriber) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(subscriber, "subscriber");
    topicsOf.computeIfAbsent(subscriber, s -> ConcurrentHashMap.newKeySet()).add(topic);
    subscribers.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(subscriber);
  }

  @Override
  public void unsubscribe(String topic, Subscriber subscriber) {
    topicsOf.computeIfPresent(
        subscriber, (s, topics) -> topics.remove(topic) && topics.isEmpty() ? null : topics);
    removeFromTopic(topic, subscriber);
  }

  @Override
  public void unsubscribeAll(Subscriber subscriber) {
    Set<String> topics = topicsOf.remove(subscriber);
    if (topics != null) {
      topics.forEach(topic -> removeFromTopic(topic, subscriber));
    }
  }

  private void removeFromTopic(String topic, Subscriber subscriber) {
    subscribers.computeIfPresent(
        topic, (t, set) -> set.remove(subscriber) && set.isEmpty() ? null : set);
  }

  @Override
  public void broadcast(String topic, Object message) {
    deliver(new Delivery(topic, message, null));
  }

  @Override
  public void broadcastFrom(Subscriber from, String topic, Object message) {
    deliver(new Delivery(topic, message, from));
  }

  @Override
  public void localBroadcast(String topic, Object message) {
    deliver(new Delivery(topic, message, null));
  }

  @Override
  public void directBroadcast(String node, String topic, Object message) {
    if (this.node.equals(node)) {
      deliver(new Delivery(topic, message, null));
    }
  }

  /**
   * Delivers to every local subscriber except {@link Delivery#from()}; one failing subscriber does
   * not stop the rest.
   */
  public void deliver(Delivery delivery) {
    Set<Subscriber> set = subscribers.get(delivery.topic());
    if (set == null) {
      return;
    }
    for (Subscriber subscriber : set) {
      if (subscriber == delivery.from()) {
        continue;
      }
      try {
        subscriber.deliver(delivery);
      } catch (RuntimeException e) {
        log.warn("subscriber of {} failed on delivery: {}", delivery.topic(), e.toString());
      }
    }
  }

  /** Accepted and ignored: messages never leave the process, so nothing is ever encoded. */
  @Override
  public void register(MessageCodec codec) {
    Objects.requireNonNull(codec, "codec");
  }

  @Override
  public int subscriberCount(String topic) {
    Set<Subscriber> set = subscribers.get(topic);
    return set == null ? 0 : set.size();
  }

  @Override
  public void close() {
    subscribers.clear();
    topicsOf.clear();
  }
}
