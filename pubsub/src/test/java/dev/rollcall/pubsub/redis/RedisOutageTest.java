package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import dev.rollcall.pubsub.redis.testing.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** RedisPubSub when Redis goes away: killed, not there yet, or cut off for one node. */
@Timeout(60)
class RedisOutageTest {
  private RedisServerProcess redis;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final String prefix = "outage-" + System.nanoTime();

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
    logs.start();
    ((Logger) LoggerFactory.getLogger(RedisPubSub.class)).addAppender(logs);
    ((Logger) LoggerFactory.getLogger(PublishQueue.class)).addAppender(logs);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(RedisPubSub.class)).detachAppender(logs);
    ((Logger) LoggerFactory.getLogger(PublishQueue.class)).detachAppender(logs);
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
    redis.close();
  }

  private RedisPubSub node(String name, String uri) {
    return node(
        RedisConfig.defaults()
            .withUri(uri)
            .withNode(name)
            .withChannelPrefix(prefix)
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400)));
  }

  private RedisPubSub node(RedisConfig config) {
    var node = new RedisPubSub(config);
    node.register(new TextCodec());
    resources.add(node);
    return node;
  }

  private long logLines(String node, String start) {
    return logs.list.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith(start + ": node " + node + " "))
        .count();
  }

  @Test
  void redisKilledForFiveSecondsThenRestarted() {
    var a = node("a", redis.uri());
    var b = node("b", redis.uri());
    RedisPubSubTest.awaitUp(a);
    RedisPubSubTest.awaitUp(b);
    List<RedisHealth> seenByA = new CopyOnWriteArrayList<>();
    a.addHealthListener(seenByA::add);
    var onA = new Inbox("a");
    var onB = new Inbox("b");
    a.subscribe("t", onA);
    b.subscribe("t", onB);

    redis.kill();

    await().until(() -> a.health() == RedisHealth.DOWN && b.health() == RedisHealth.DOWN);
    a.broadcast("t", "during outage");
    assertThat(onA.messages()).containsExactly("during outage");
    // Five seconds of retries: no crash, still down, and nothing leaks to the other node.
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(7))
        .until(() -> a.health() == RedisHealth.DOWN && onB.size() == 0);
    assertThat(a.stats().publishFailed()).isEqualTo(1);

    redis.restart();

    await().until(() -> a.health() == RedisHealth.UP && b.health() == RedisHealth.UP);
    b.broadcast("t", "after restart");
    await().untilAsserted(() -> assertThat(onA.messages()).endsWith("after restart"));
    assertThat(onA.messages()).containsExactly("during outage", "after restart");
    assertThat(onB.messages()).containsExactly("after restart");
    // listeners hear of a change just after health() shows it
    await()
        .untilAsserted(() -> assertThat(seenByA).containsExactly(RedisHealth.DOWN, RedisHealth.UP));
    // One line per state change, however many attempts the outage took.
    assertThat(logLines("a", "redis down")).isEqualTo(1);
    assertThat(logLines("a", "redis up")).isEqualTo(2);
  }

  @Test
  void aFullPublishBacklogDropsAndCountsMessagesForOtherNodesUntilRedisCatchesUp()
      throws Exception {
    var a =
        node(
            RedisConfig.defaults()
                .withUri(redis.uri())
                .withNode("a")
                .withChannelPrefix(prefix)
                .withPublishBacklog(10));
    var b = node("b", redis.uri());
    RedisPubSubTest.awaitUp(a);
    RedisPubSubTest.awaitUp(b);
    var onA = new Inbox("a");
    var onB = new Inbox("b");
    a.subscribe("t", onA);
    b.subscribe("t", onB);
    // Redis holds every PUBLISH unanswered: a's first 10 messages fill its backlog.
    assertThat(redis.command("CLIENT PAUSE 20000 WRITE")).isEqualTo("+OK");

    for (int i = 0; i < 25; i++) {
      a.broadcast("t", "m" + i);
    }

    assertThat(onA.size()).isEqualTo(25); // local delivery goes on
    assertThat(a.stats().publishFailed()).isEqualTo(15);
    assertThat(a.health()).isEqualTo(RedisHealth.UP);
    assertThat(logLines("a", "redis publish backlog full")).isEqualTo(1);

    assertThat(redis.command("CLIENT UNPAUSE")).isEqualTo("+OK");

    await()
        .untilAsserted(
            () ->
                assertThat(onB.messages())
                    .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"));
    await()
        .untilAsserted(
            () -> assertThat(logLines("a", "redis publish backlog recovered")).isEqualTo(1));
    a.broadcast("t", "after");
    await().untilAsserted(() -> assertThat(onB.messages()).endsWith("m9", "after"));
    await().untilAsserted(() -> assertThat(a.stats().published()).isEqualTo(11));
    assertThat(a.stats().publishFailed()).isEqualTo(15);
  }

  @Test
  void startsDownWhenRedisIsUnreachableAndComesUpWhenItAppears() {
    redis.stop();
    var node = node("late", redis.uri());
    var inbox = new Inbox("late");
    node.subscribe("t", inbox);

    node.broadcast("t", "while down");

    assertThat(node.health()).isEqualTo(RedisHealth.DOWN);
    assertThat(inbox.messages()).containsExactly("while down");
    assertThat(node.stats().publishFailed()).isEqualTo(1);
    await().untilAsserted(() -> assertThat(logLines("late", "redis down")).isEqualTo(1));

    redis.restart();

    RedisPubSubTest.awaitUp(node);
    var other = node("other", redis.uri());
    RedisPubSubTest.awaitUp(other);
    other.broadcast("t", "now up");
    await().untilAsserted(() -> assertThat(inbox.messages()).endsWith("now up"));
    assertThat(logLines("late", "redis down")).isEqualTo(1);
  }

  @Test
  void aNodeCutOffThroughTheProxyGoesDownAloneAndRecoversOnHeal() {
    var proxy = TcpProxy.start(redis.port());
    resources.add(proxy);
    var a = node("a", redis.uri());
    var b = node("b", proxy.redisUri());
    RedisPubSubTest.awaitUp(a);
    RedisPubSubTest.awaitUp(b);
    var onA = new Inbox("a");
    var onB = new Inbox("b");
    a.subscribe("t", onA);
    b.subscribe("t", onB);

    proxy.cut();

    await().until(() -> b.health() == RedisHealth.DOWN);
    assertThat(a.health()).isEqualTo(RedisHealth.UP);
    a.broadcast("t", "a while b is cut off");
    b.broadcast("t", "b while cut off");
    b.directBroadcast("a", "t", "b direct while cut off");
    assertThat(onB.messages()).containsExactly("b while cut off");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> b.health() == RedisHealth.DOWN && onA.size() == 1);

    proxy.heal();

    RedisPubSubTest.awaitUp(b);
    a.broadcast("t", "a after heal");
    b.directBroadcast("a", "t", "b direct after heal");
    await().untilAsserted(() -> assertThat(onB.messages()).endsWith("a after heal"));
    await().untilAsserted(() -> assertThat(onA.messages()).endsWith("b direct after heal"));
    assertThat(onA.messages())
        .containsExactly("a while b is cut off", "a after heal", "b direct after heal");
    assertThat(onB.messages()).containsExactly("b while cut off", "a after heal");
  }
}
