package dev.rollcall.pubsub;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One broadcast as it reaches the subscribers of one node: the topic, the message, and a memo
 * shared by all of those subscribers (Phoenix's fastlane: encode once per serializer, write to
 * all). Thread-safe.
 */
public final class Delivery {
  private final String topic;
  private final Object message;
  private final Subscriber from;
  private final long nanoTime = System.nanoTime();
  private final ConcurrentHashMap<Object, Object> memo = new ConcurrentHashMap<>(2);

  public Delivery(String topic, Object message, Subscriber from) {
    this.topic = topic;
    this.message = message;
    this.from = from;
  }

  public String topic() {
    return topic;
  }

  public Object message() {
    return message;
  }

  /** The subscriber that sent it with {@code broadcastFrom}, or null. */
  public Subscriber from() {
    return from;
  }

  /**
   * {@link System#nanoTime()} when this delivery was made: when the broadcast was handed to this
   * node's subscribers (for an endpoint's delivery latency).
   */
  public long nanoTime() {
    return nanoTime;
  }

  /** Computes {@code compute(key)} once per delivery, however many subscribers ask. */
  @SuppressWarnings("unchecked")
  public <K, V> V memo(K key, Function<? super K, ? extends V> compute) {
    return (V) memo.computeIfAbsent(key, k -> compute.apply((K) k));
  }
}
