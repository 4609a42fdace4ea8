package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollcall.pubsub.MessageCodec;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RedisPubSub against a real redis-server: several nodes in one JVM, one shared Redis. */
@Timeout(60)
class RedisPubSubTest {
  private static RedisServerProcess redis;
  private final List<RedisPubSub> nodes = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeNodes() {
    nodes.forEach(RedisPubSub::close);
  }

  private RedisPubSub node(String name) {
    var config =
        RedisConfig.defaults()
            .withUri(redis.uri())
            .withNode(name)
            .withChannelPrefix("test-" + System.nanoTime());
    return node(config);
  }

  private RedisPubSub node(RedisConfig config) {
    var node = new RedisPubSub(config);
    node.register(new TextCodec());
    nodes.add(node);
    return node;
  }

  /** Nodes of one cluster share a channel prefix. */
  private List<RedisPubSub> cluster(String... names) {
    String prefix = "test-" + System.nanoTime();
    List<RedisPubSub> cluster = new ArrayList<>();
    for (String name : names) {
      cluster.add(
          node(
              RedisConfig.defaults()
                  .withUri(redis.uri())
                  .withNode(name)
                  .withChannelPrefix(prefix)));
    }
    cluster.forEach(RedisPubSubTest::awaitUp);
    return cluster;
  }

  static void awaitUp(RedisPubSub node) {
    await().atMost(Duration.ofSeconds(10)).until(() -> node.health() == RedisHealth.UP);
  }

  @Test
  void broadcastReachesEverySubscriberOnEveryNodeExactlyOnceInOrder() {
    var nodes = cluster("a", "b", "c");
    var onA = new Inbox("onA");
    var onB1 = new Inbox("onB1");
    var onB2 = new Inbox("onB2");
    var onC = new Inbox("onC");
    nodes.get(0).subscribe("room:1", onA);
    nodes.get(1).subscribe("room:1", onB1);
    nodes.get(1).subscribe("room:1", onB2);
    nodes.get(2).subscribe("room:1", onC);
    var otherTopic = new Inbox("otherTopic");
    nodes.get(2).subscribe("room:2", otherTopic);

    List<Object> sent = IntStream.range(0, 50).mapToObj(i -> (Object) ("m" + i)).toList();
    sent.forEach(m -> nodes.get(0).broadcast("room:1", m));

    await().untilAsserted(() -> assertThat(nodes.get(0).stats().ownEchoes()).isEqualTo(50));
    await()
        .untilAsserted(
            () -> {
              assertThat(onB1.messages()).isEqualTo(sent);
              assertThat(onB2.messages()).isEqualTo(sent);
              assertThat(onC.messages()).isEqualTo(sent);
            });
    // The sender's own echoes have all come back (counted above) and were not delivered again.
    assertThat(onA.messages()).isEqualTo(sent);
    assertThat(otherTopic.messages()).isEmpty();
    // counted when Redis answers the PUBLISH, on another connection than the one the echoes use
    await().untilAsserted(() -> assertThat(nodes.get(0).stats().published()).isEqualTo(50));
    assertThat(nodes.stream().mapToLong(n -> n.stats().droppedTotal()).sum()).isZero();
  }

  @Test
  void broadcastFromSkipsTheSenderOnlyOnItsOwnNode() {
    var nodes = cluster("a", "b");
    var sender = new Inbox("sender");
    var neighbour = new Inbox("neighbour");
    var remote = new Inbox("remote");
    nodes.get(0).subscribe("room:1", sender);
    nodes.get(0).subscribe("room:1", neighbour);
    nodes.get(1).subscribe("room:1", remote);

    nodes.get(0).broadcastFrom(sender, "room:1", "hello");

    await().untilAsserted(() -> assertThat(remote.messages()).containsExactly("hello"));
    await().untilAsserted(() -> assertThat(nodes.get(0).stats().ownEchoes()).isEqualTo(1));
    assertThat(neighbour.messages()).containsExactly("hello");
    assertThat(sender.messages()).isEmpty();
  }

  @Test
  void directBroadcastReachesOnlyTheNamedNode() {
    var nodes = cluster("a", "b", "c");
    var inboxes = List.of(new Inbox("a"), new Inbox("b"), new Inbox("c"));
    for (int i = 0; i < 3; i++) {
      nodes.get(i).subscribe("notifications:x", inboxes.get(i));
    }

    nodes.get(0).directBroadcast("b", "notifications:x", "to b");
    nodes.get(0).directBroadcast("a", "notifications:x", "to a itself");
    nodes.get(2).directBroadcast("b", "notifications:x", "to b from c");

    await().untilAsserted(() -> assertThat(inboxes.get(1).size()).isEqualTo(2));
    // A marker broadcast from each sender arrives after its direct messages (FIFO per publisher).
    nodes.get(0).broadcast("notifications:x", "marker a");
    nodes.get(2).broadcast("notifications:x", "marker c");
    await()
        .untilAsserted(
            () -> assertThat(inboxes.get(0).messages()).contains("marker a", "marker c"));
    // a hears its own marker at once, b over its own Redis connection: maybe later
    await()
        .untilAsserted(
            () ->
                assertThat(inboxes.get(1).messages())
                    .containsSubsequence("to b", "marker a")
                    .contains("to b from c"));
    assertThat(inboxes.get(0).messages()).containsExactly("to a itself", "marker a", "marker c");
    assertThat(inboxes.get(2).messages()).doesNotContain("to b", "to b from c", "to a itself");
  }

  @Test
  void manyVirtualThreadsPublishingAtOnceAllArriveInPerThreadOrder() throws Exception {
    var cluster = cluster("a", "b");
    var onB = new Inbox("b");
    cluster.get(1).subscribe("t", onB);
    int threads = 200;
    int perThread = 50;
    var start = new java.util.concurrent.CountDownLatch(1);
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        executor.submit(
            () -> {
              start.await();
              for (int i = 0; i < perThread; i++) {
                if (i % 2 == 0) {
                  cluster.get(0).directBroadcast("b", "t", thread + ":" + i);
                } else {
                  cluster.get(0).broadcast("t", thread + ":" + i);
                }
              }
              return null;
            });
      }
      start.countDown();
    }

    await().untilAsserted(() -> assertThat(onB.size()).isEqualTo(threads * perThread));
    int[] next = new int[threads];
    for (Object message : onB.messages()) {
      String[] parts = ((String) message).split(":");
      int thread = Integer.parseInt(parts[0]);
      assertThat(Integer.parseInt(parts[1]))
          .as("thread %d's order", thread)
          .isEqualTo(next[thread]);
      next[thread]++;
    }
    await()
        .untilAsserted(
            () -> assertThat(cluster.get(0).stats().published()).isEqualTo(threads * perThread));
    assertThat(cluster.get(0).stats().publishFailed()).isZero();
  }

  @Test
  void directBroadcastToAnUnknownNodeGoesNowhere() {
    var nodes = cluster("a", "b");
    var onB = new Inbox("b");
    nodes.get(1).subscribe("t", onB);
    nodes.get(0).directBroadcast("nobody", "t", "lost");
    nodes.get(0).broadcast("t", "after");
    await().untilAsserted(() -> assertThat(onB.messages()).containsExactly("after"));
  }

  @Test
  void aMessageNoCodecHandlesIsRefusedBeforeAnyDelivery() {
    var node = cluster("a").get(0);
    var inbox = new Inbox("a");
    node.subscribe("t", inbox);

    assertThatThrownBy(() -> node.broadcast("t", 42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no MessageCodec registered for java.lang.Integer (topic t)");
    assertThat(inbox.messages()).isEmpty();
    node.localBroadcast("t", 42); // local delivery needs no codec
    assertThat(inbox.messages()).containsExactly(42);
  }

  @Test
  void registeringTheSameCodecClassAgainIsHarmless() {
    // Two layers (or two endpoints on one PubSub) each register what they carry.
    var nodes = cluster("a", "b");
    nodes.forEach(node -> node.register(new TextCodec()));
    var onB = new Inbox("b");
    nodes.get(1).subscribe("t", onB);

    nodes.get(0).broadcast("t", "once");
    await().untilAsserted(() -> assertThat(onB.messages()).containsExactly("once"));
  }

  @Test
  void anotherCodecClassUnderATakenKindIsRefused() {
    var node = cluster("a").get(0);
    MessageCodec impostor =
        new MessageCodec() {
          @Override
          public String kind() {
            return "text";
          }

          @Override
          public boolean handles(Object message) {
            return message instanceof CharSequence;
          }

          @Override
          public byte[] encode(Object message) {
            return message.toString().getBytes(StandardCharsets.UTF_8);
          }

          @Override
          public Object decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
          }
        };
    assertThatThrownBy(() -> node.register(impostor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("codec kind text is taken by dev.rollcall.pubsub.redis.TextCodec");
  }

  @Test
  void badInputFromRedisIsDroppedCountedAndHarmsNothing() {
    var nodes = cluster("a", "b");
    var a = nodes.get(0);
    var onA = new Inbox("a");
    a.subscribe("t", onA);
    byte[] shared = a.broadcastChannelName().getBytes(StandardCharsets.UTF_8);
    byte[] direct = a.directChannelName("a").getBytes(StandardCharsets.UTF_8);
    byte[] text = "x".getBytes(StandardCharsets.UTF_8);

    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<byte[], byte[]> raw = client.connect(ByteArrayCodec.INSTANCE)) {
      var redisCommands = raw.sync();
      redisCommands.publish(shared, new byte[0]);
      redisCommands.publish(shared, "garbage".getBytes(StandardCharsets.UTF_8));
      byte[] valid = envelope(RedisEnvelope.Mode.BROADCAST, "b", "text", text);
      byte[] truncated = java.util.Arrays.copyOf(valid, 9);
      redisCommands.publish(shared, truncated);
      byte[] futureVersion = valid.clone();
      futureVersion[2] = 2;
      redisCommands.publish(shared, futureVersion);
      // Same node name, another process (it cannot know our instance id).
      redisCommands.publish(shared, envelope(RedisEnvelope.Mode.BROADCAST, "a", "text", text));
      // A direct message "from a" on a's own channel: a never sends itself anything through Redis.
      redisCommands.publish(direct, envelope(RedisEnvelope.Mode.DIRECT, "a", "text", text));
      redisCommands.publish(shared, envelope(RedisEnvelope.Mode.BROADCAST, "b", "nope", text));
      redisCommands.publish(
          shared, envelope(RedisEnvelope.Mode.BROADCAST, "b", "text", new byte[] {(byte) 0xff}));
      // A direct envelope on the broadcast channel.
      redisCommands.publish(shared, envelope(RedisEnvelope.Mode.DIRECT, "b", "text", text));
      // And one good message last: still delivered.
      redisCommands.publish(shared, envelope(RedisEnvelope.Mode.BROADCAST, "b", "text", text));
    } finally {
      client.shutdown();
    }

    await().untilAsserted(() -> assertThat(onA.messages()).containsExactly("x"));
    RedisStats stats = a.stats();
    assertThat(stats.dropped(DropReason.UNPARSEABLE)).isEqualTo(4);
    assertThat(stats.dropped(DropReason.UNKNOWN_VERSION)).isEqualTo(1);
    assertThat(stats.dropped(DropReason.FROM_SELF)).isEqualTo(2);
    assertThat(stats.dropped(DropReason.UNKNOWN_CODEC)).isEqualTo(1);
    assertThat(stats.dropped(DropReason.UNDECODABLE)).isEqualTo(1);
    assertThat(stats.droppedTotal()).isEqualTo(9);
    assertThat(stats.droppedByLabel())
        .containsExactly(
            org.assertj.core.api.Assertions.entry("unparseable", 4L),
            org.assertj.core.api.Assertions.entry("unknown_version", 1L),
            org.assertj.core.api.Assertions.entry("from_self", 2L),
            org.assertj.core.api.Assertions.entry("unknown_codec", 1L),
            org.assertj.core.api.Assertions.entry("undecodable", 1L));
    assertThat(a.health()).isEqualTo(RedisHealth.UP);
  }

  private static byte[] envelope(
      RedisEnvelope.Mode mode, String sender, String kind, byte[] payload) {
    return new RedisEnvelope(mode, sender, 7L, "t", kind, payload).encode();
  }
}
