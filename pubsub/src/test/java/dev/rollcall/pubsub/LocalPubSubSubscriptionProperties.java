package dev.rollcall.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Model-based: random subscribe, unsubscribe, unsubscribeAll and broadcast on one {@link
 * LocalPubSub}, with enough subscribers that topic sets grow past the small immutable form and
 * shrink back; every broadcast reaches exactly the subscribers the model holds, once each.
 */
class LocalPubSubSubscriptionProperties {
  private static final int SUBSCRIBERS = 9;
  private static final int TOPICS = 3;

  sealed interface Op {}

  record Subscribe(int subscriber, int topic) implements Op {}

  record Unsubscribe(int subscriber, int topic) implements Op {}

  record UnsubscribeAll(int subscriber) implements Op {}

  record Publish(int topic) implements Op {}

  /** Counts what it received, by message; identity-keyed, as channel subscribers are. */
  private static final class Counting implements Subscriber {
    final int id;
    final Map<Object, Integer> received = new HashMap<>();

    Counting(int id) {
      this.id = id;
    }

    @Override
    public void deliver(Delivery delivery) {
      received.merge(delivery.message(), 1, Integer::sum);
    }
  }

  @Property(tries = 300)
  void everyBroadcastReachesExactlyTheModelsSubscribers(
      @ForAll("ops") @Size(min = 1, max = 120) List<Op> ops) {
    var pubSub = new LocalPubSub("node");
    List<Counting> subscribers = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      subscribers.add(new Counting(i));
    }
    Map<Integer, Set<Integer>> model = new HashMap<>();
    int sent = 0;
    for (Op op : ops) {
      switch (op) {
        case Subscribe(int s, int t) -> {
          pubSub.subscribe(topic(t), subscribers.get(s));
          model.computeIfAbsent(t, k -> new HashSet<>()).add(s);
        }
        case Unsubscribe(int s, int t) -> {
          pubSub.unsubscribe(topic(t), subscribers.get(s));
          model.getOrDefault(t, new HashSet<>()).remove(s);
        }
        case UnsubscribeAll(int s) -> {
          pubSub.unsubscribeAll(subscribers.get(s));
          model.values().forEach(set -> set.remove(s));
        }
        case Publish(int t) -> {
          String message = "m" + sent++;
          pubSub.broadcast(topic(t), message);
          Set<Integer> expected = model.getOrDefault(t, Set.of());
          for (Counting subscriber : subscribers) {
            assertThat(subscriber.received.get(message))
                .as("subscriber %d, %s on %s", subscriber.id, message, topic(t))
                .isEqualTo(expected.contains(subscriber.id) ? 1 : null);
          }
        }
      }
      for (int t = 0; t < TOPICS; t++) {
        assertThat(pubSub.subscriberCount(topic(t)))
            .as("subscribers of %s after %s", topic(t), op)
            .isEqualTo(model.getOrDefault(t, Set.of()).size());
      }
    }
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> subscriber = Arbitraries.integers().between(0, SUBSCRIBERS - 1);
    Arbitrary<Integer> topic = Arbitraries.integers().between(0, TOPICS - 1);
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Combinators.combine(subscriber, topic).as(Subscribe::new)),
            net.jqwik.api.Tuple.of(3, Combinators.combine(subscriber, topic).as(Unsubscribe::new)),
            net.jqwik.api.Tuple.of(1, subscriber.map(UnsubscribeAll::new)),
            net.jqwik.api.Tuple.of(3, topic.map(Publish::new)));
    return op.list();
  }

  private static String topic(int t) {
    return "topic:" + t;
  }

  /**
   * Threads subscribing and unsubscribing on the same topics at once lose nobody: each set changes
   * inside its key's compute, whether it is still a small copy or already a concurrent set.
   */
  @Example
  void concurrentSubscribersAllArrive() throws InterruptedException {
    var pubSub = new LocalPubSub("node");
    int threads = 8;
    int perThread = 200;
    var start = new CountDownLatch(1);
    Map<Subscriber, Boolean> kept = new ConcurrentHashMap<>();
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      running.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                    for (int j = 0; j < perThread; j++) {
                      Subscriber subscriber = new Counting(j); // a distinct subscriber each
                      pubSub.subscribe("shared", subscriber);
                      pubSub.subscribe("own:" + j, subscriber);
                      if (j % 2 == 0) {
                        pubSub.unsubscribeAll(subscriber);
                      } else {
                        kept.put(subscriber, true);
                      }
                    }
                  }));
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join();
    }
    assertThat(pubSub.subscriberCount("shared")).isEqualTo(threads * perThread / 2);
    assertThat(pubSub.subscriberCount("own:1")).isEqualTo(threads);
    assertThat(pubSub.subscriberCount("own:0")).isZero();
    AtomicInteger delivered = new AtomicInteger();
    pubSub.subscribe("probe", delivery -> delivered.incrementAndGet());
    pubSub.broadcast("probe", "x");
    assertThat(delivered).hasValue(1);
    assertThat(kept).hasSize(threads * perThread / 2);
  }
}
