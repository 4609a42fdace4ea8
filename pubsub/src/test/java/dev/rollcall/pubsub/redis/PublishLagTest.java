package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publish lag against a real {@code redis-server}: each of a node's broadcasts, one at a time, is
 * timed from its publish to its echo from Redis; a direct message starts no sample (its echo would
 * never come back to the sender, and the next broadcast would go untimed).
 */
class PublishLagTest {
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

  private List<RedisPubSub> cluster(String... names) {
    String prefix = "lag-" + System.nanoTime();
    for (String name : names) {
      var node =
          new RedisPubSub(
              RedisConfig.defaults()
                  .withUri(redis.uri())
                  .withNode(name)
                  .withChannelPrefix(prefix)
                  .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)));
      node.register(new TextCodec());
      nodes.add(node);
      await().atMost(Duration.ofSeconds(10)).until(() -> node.health() == RedisHealth.UP);
    }
    return List.copyOf(nodes);
  }

  @Test
  void eachBroadcastSentAfterTheLastEchoIsTimed() {
    var cluster = cluster("a", "b");
    RedisPubSub a = cluster.get(0);
    List<Long> lags = new CopyOnWriteArrayList<>();
    a.addPublishLagListener(lags::add);

    for (int i = 1; i <= 5; i++) {
      a.broadcast("room:1", "m" + i);
      int echoed = i;
      await().until(() -> a.stats().ownEchoes() == echoed);
      await().until(() -> lags.size() == echoed);
    }
    a.directBroadcast("b", "room:1", "direct");
    a.broadcast("room:1", "last"); // its echo comes after the direct message went through
    await().until(() -> a.stats().ownEchoes() == 6);

    await().until(() -> lags.size() == 6);
    assertThat(lags).allSatisfy(lag -> assertThat(lag).isNotNegative());
  }

  @Test
  void aBurstIsSampledOneBroadcastAtATime() {
    RedisPubSub a = cluster("a").getFirst();
    List<Long> lags = new CopyOnWriteArrayList<>();
    a.addPublishLagListener(lags::add);

    for (int i = 0; i < 200; i++) {
      a.broadcast("room:1", "same text");
    }
    await().until(() -> a.stats().ownEchoes() == 200);

    assertThat(lags).isNotEmpty().hasSizeLessThanOrEqualTo(200);
  }

  @Test
  void timeoutsAreCheckedLikeTheRestOfTheConfig() {
    assertThatThrownBy(
            () -> RedisConfig.defaults().withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout must be > 0");
    RedisConfig config =
        RedisConfig.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(4));
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(4));
  }
}
