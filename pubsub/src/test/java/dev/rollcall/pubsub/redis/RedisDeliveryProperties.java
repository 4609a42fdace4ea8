package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Model-based: random sequences of broadcast, broadcastFrom, directBroadcast and localBroadcast on
 * three nodes sharing one real Redis; every subscriber must end up with exactly the messages an
 * in-memory model of the PubSub contract predicts, each once, in each publisher's order.
 */
class RedisDeliveryProperties {
  private static final int NODES = 3;
  private static final List<String> NAMES = List.of("a", "b", "c");
  private static RedisServerProcess redis;
  private static final List<RedisPubSub> nodes = new ArrayList<>();
  private static final AtomicInteger tries = new AtomicInteger();

  /** Subscriber s on node n listens to topics t(s) and t(s+1) of a try; all hear "marker". */
  private static final int SUBSCRIBERS_PER_NODE = 2;

  sealed interface Op {
    int node();

    int topic();
  }

  record Broadcast(int node, int topic) implements Op {}

  record BroadcastFrom(int node, int subscriber, int topic) implements Op {}

  record Direct(int node, int target, int topic) implements Op {}

  record Local(int node, int topic) implements Op {}

  @BeforeContainer
  static void start() {
    redis = RedisServerProcess.start();
    String prefix = "props-" + System.nanoTime();
    for (String name : NAMES) {
      var node =
          new RedisPubSub(
              RedisConfig.defaults().withUri(redis.uri()).withNode(name).withChannelPrefix(prefix));
      node.register(new TextCodec());
      nodes.add(node);
    }
    nodes.forEach(RedisPubSubTest::awaitUp);
  }

  @AfterContainer
  static void stop() {
    nodes.forEach(RedisPubSub::close);
    if (redis != null) {
      redis.close();
    }
  }

  @Provide
  Arbitrary<Op> op() {
    Arbitrary<Integer> node = Arbitraries.integers().between(0, NODES - 1);
    Arbitrary<Integer> topic = Arbitraries.integers().between(0, SUBSCRIBERS_PER_NODE);
    Arbitrary<Integer> subscriber = Arbitraries.integers().between(0, SUBSCRIBERS_PER_NODE - 1);
    return Arbitraries.oneOf(
        Combinators.combine(node, topic).as(Broadcast::new),
        Combinators.combine(node, subscriber, topic).as(BroadcastFrom::new),
        Combinators.combine(node, node, topic).as(Direct::new),
        Combinators.combine(node, topic).as(Local::new));
  }

  @Property(tries = 12)
  void everySubscriberGetsExactlyWhatTheModelPredicts(
      @ForAll @Size(max = 30) List<@net.jqwik.api.From("op") Op> ops) {
    int run = tries.incrementAndGet();
    String marker = "marker-" + run;
    Inbox[][] inboxes = new Inbox[NODES][SUBSCRIBERS_PER_NODE];
    Map<Inbox, List<String>> expected = new HashMap<>();
    long[] echoesBefore = new long[NODES];
    for (int n = 0; n < NODES; n++) {
      echoesBefore[n] = nodes.get(n).stats().ownEchoes();
      for (int s = 0; s < SUBSCRIBERS_PER_NODE; s++) {
        var inbox = new Inbox(NAMES.get(n) + s);
        inboxes[n][s] = inbox;
        expected.put(inbox, new ArrayList<>());
        nodes.get(n).subscribe(topic(run, s), inbox);
        nodes.get(n).subscribe(topic(run, s + 1), inbox);
        nodes.get(n).subscribe(marker, inbox);
      }
    }
    long[] broadcastsBy = new long[NODES];
    try {
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        String message = "m" + i;
        String topic = topic(run, op.topic());
        RedisPubSub from = nodes.get(op.node());
        switch (op) {
          case Broadcast b -> {
            from.broadcast(topic, message);
            broadcastsBy[op.node()]++;
            expectOn(expected, inboxes, op.topic(), message, n -> true, null);
          }
          case BroadcastFrom bf -> {
            Inbox sender = inboxes[op.node()][bf.subscriber()];
            from.broadcastFrom(sender, topic, message);
            broadcastsBy[op.node()]++;
            expectOn(expected, inboxes, op.topic(), message, n -> true, sender);
          }
          case Direct d -> {
            from.directBroadcast(NAMES.get(d.target()), topic, message);
            expectOn(expected, inboxes, op.topic(), message, n -> n == d.target(), null);
          }
          case Local l -> {
            from.localBroadcast(topic, message);
            expectOn(expected, inboxes, op.topic(), message, n -> n == op.node(), null);
          }
        }
      }
      // Each node's marker follows everything it published; own echoes all come back (ignored).
      for (int n = 0; n < NODES; n++) {
        nodes.get(n).broadcast(marker, marker);
        broadcastsBy[n]++;
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(10))
          .untilAsserted(
              () -> {
                for (int n = 0; n < NODES; n++) {
                  assertThat(nodes.get(n).stats().ownEchoes() - echoesBefore[n])
                      .isEqualTo(broadcastsBy[n]);
                  for (Inbox inbox : inboxes[n]) {
                    assertThat(inbox.messages().stream().filter(marker::equals).count())
                        .isEqualTo(NODES);
                  }
                }
              });
      for (int n = 0; n < NODES; n++) {
        for (Inbox inbox : inboxes[n]) {
          List<Object> received = inbox.messages().stream().filter(m -> !marker.equals(m)).toList();
          assertThat(received)
              .as("%s after %s", inbox, ops)
              .containsExactlyInAnyOrderElementsOf(expected.get(inbox));
          // Per publisher order: messages are numbered in send order.
          for (int p = 0; p < NODES; p++) {
            int publisher = p;
            List<Integer> fromPublisher =
                received.stream()
                    .map(m -> Integer.parseInt(((String) m).substring(1)))
                    .filter(i -> ops.get(i).node() == publisher)
                    .toList();
            assertThat(fromPublisher)
                .as("order of %s's messages at %s", NAMES.get(p), inbox)
                .isSorted();
          }
        }
      }
    } finally {
      for (int n = 0; n < NODES; n++) {
        for (Inbox inbox : inboxes[n]) {
          nodes.get(n).unsubscribeAll(inbox);
        }
      }
    }
  }

  private static String topic(int run, int index) {
    return "t" + run + "." + index;
  }

  /** The model: who subscribes to topic index {@code t} on which node, minus the sender. */
  private static void expectOn(
      Map<Inbox, List<String>> expected,
      Inbox[][] inboxes,
      int topic,
      String message,
      java.util.function.IntPredicate onNode,
      Inbox except) {
    for (int n = 0; n < NODES; n++) {
      if (!onNode.test(n)) {
        continue;
      }
      for (int s = 0; s < SUBSCRIBERS_PER_NODE; s++) {
        boolean subscribed = topic == s || topic == s + 1;
        Inbox inbox = inboxes[n][s];
        if (subscribed && inbox != except) {
          expected.get(inbox).add(message);
        }
      }
    }
  }
}
