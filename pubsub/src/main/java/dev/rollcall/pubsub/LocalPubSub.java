package dev.rollcall.pubsub;

import java.util.ArrayList;
import java.util.List;
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
 * <p>Thread-safe: each topic's subscribers and each subscriber's topics change only inside the
 * owning map's {@code compute} for that key; delivery iterates a topic's set without a lock on the
 * publisher's thread, so messages from one publisher on one topic arrive in order.
 *
 * <p>Most sets are tiny (a channel's own topic, a hero's personal topic with its one subscriber):
 * up to {@link #SMALL} members a set is an immutable copy, replaced on each change, which costs ~24
 * bytes instead of ~200 for a concurrent set; past that it becomes a concurrent set, changed in
 * place, so a lobby of 10 000 subscribers is not copied on every join.
 */
public final class LocalPubSub implements PubSub {
  private static final Logger log = LoggerFactory.getLogger(LocalPubSub.class);

  /** Members up to which a set is an immutable copy (see above). */
  static final int SMALL = 4;

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
    topicsOf.compute(subscriber, (s, topics) -> with(topics, topic));
    subscribers.compute(topic, (t, set) -> with(set, subscriber));
  }

  @Override
  public void unsubscribe(String topic, Subscriber subscriber) {
    Objects.requireNonNull(topic, "topic");
    topicsOf.computeIfPresent(subscriber, (s, topics) -> without(topics, topic));
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
    subscribers.computeIfPresent(topic, (t, set) -> without(set, subscriber));
  }

  /** {@code set} with {@code member} added; runs inside the map's compute for the set's key. */
  private static <T> Set<T> with(Set<T> set, T member) {
    if (set == null) {
      return Set.of(member);
    }
    if (set instanceof ConcurrentHashMap.KeySetView<?, ?>) {
      set.add(member);
      return set;
    }
    if (set.contains(member)) {
      return set;
    }
    if (set.size() < SMALL) {
      List<T> members = new ArrayList<>(set.size() + 1);
      members.addAll(set);
      members.add(member);
      return Set.copyOf(members);
    }
    Set<T> grown = ConcurrentHashMap.newKeySet();
    grown.addAll(set);
    grown.add(member);
    return grown;
  }

  /**
   * {@code set} without {@code member}, or null once empty (the map drops the key); runs inside the
   * map's compute for the set's key. A concurrent set stays one until it is empty.
   */
  private static <T> Set<T> without(Set<T> set, T member) {
    if (set instanceof ConcurrentHashMap.KeySetView<?, ?>) {
      set.remove(member);
      return set.isEmpty() ? null : set;
    }
    if (!set.contains(member)) {
      return set;
    }
    List<T> rest = new ArrayList<>(set);
    rest.remove(member);
    return rest.isEmpty() ? null : Set.copyOf(rest);
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
