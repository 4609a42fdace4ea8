package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import dev.rollcall.pubsub.redis.testing.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** At most one holder at any instant; a new one soon after the holder dies, stops or is cut off. */
@Timeout(60)
class RedisLeaseTest {
  private static final Duration TTL = Duration.ofMillis(900);

  private RedisServerProcess redis;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final String prefix = "lease-" + System.nanoTime();
  private final AtomicInteger overlaps = new AtomicInteger();
  private volatile boolean watching = true;
  private Thread watcher;

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stop() throws Exception {
    watching = false;
    if (watcher != null) {
      watcher.join();
    }
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
    redis.close();
  }

  private RedisPubSub node(String name, String uri) {
    var node =
        new RedisPubSub(
            RedisConfig.defaults()
                .withUri(uri)
                .withNode(name)
                .withChannelPrefix(prefix)
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(300)));
    resources.add(node);
    RedisPubSubTest.awaitUp(node);
    return node;
  }

  private RedisLease lease(RedisPubSub node) {
    var lease = RedisLease.start(node, "dispatcher", TTL);
    resources.add(lease);
    return lease;
  }

  /** Samples all leases continuously and counts instants where two are held. */
  private void watchForOverlap(List<RedisLease> leases) {
    watcher =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (watching) {
                    if (leases.stream().filter(RedisLease::isHeld).count() > 1) {
                      overlaps.incrementAndGet();
                    }
                    LockSupport.parkNanos(100_000); // sample every ~0.1 ms, sparing the CPU
                  }
                });
  }

  /** Whether the lease's key in Redis names node "a" as its holder. */
  private boolean keyHeldByNodeA() throws IOException {
    String script = "return string.sub(redis.call('get', KEYS[1]) or '', 1, 2) == 'a/' and 1 or 0";
    return redis.command("EVAL \"" + script + "\" 1 " + prefix + ":lease:dispatcher").equals(":1");
  }

  private static long holders(List<RedisLease> leases) {
    return leases.stream().filter(RedisLease::isHeld).count();
  }

  @Test
  void exactlyOneOfThreeNodesHoldsTheLeaseAndAnotherTakesOverWhenItCloses() {
    var leases = new ArrayList<RedisLease>();
    for (String name : List.of("a", "b", "c")) {
      leases.add(lease(node(name, redis.uri())));
    }
    watchForOverlap(leases);
    await().until(() -> holders(leases) == 1);
    // a holder whose renewals a loaded machine holds back lets go for a moment: try again
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> holders(leases) == 1);

    RedisLease holder = leases.stream().filter(RedisLease::isHeld).findFirst().orElseThrow();
    holder.close();
    leases.remove(holder);

    await().until(() -> holders(leases) == 1);
    assertThat(overlaps.get()).isZero();
  }

  @Test
  void closingTheRedisPubSubReleasesItsLease() throws Exception {
    var holderNode = node("a", redis.uri());
    var first = lease(holderNode);
    await().until(first::isHeld);
    var second = lease(node("b", redis.uri()));
    watchForOverlap(List.of(first, second));

    assertThat(keyHeldByNodeA()).isTrue();

    holderNode.close();

    assertThat(first.isHeld()).isFalse();
    // released, not left to expire: the key is gone or already the other node's
    assertThat(keyHeldByNodeA()).isFalse();
    await().until(second::isHeld);
    assertThat(overlaps.get()).isZero();
  }

  @Test
  void aHolderCutOffFromRedisLetsGoAndAnotherTakesOverWithoutOverlap() {
    var proxy = TcpProxy.start(redis.port());
    resources.add(proxy);
    var first = lease(node("a", proxy.redisUri()));
    await().until(first::isHeld);
    var second = lease(node("b", redis.uri()));
    watchForOverlap(List.of(first, second));
    assertThat(second.isHeld()).isFalse();

    proxy.cut();

    await().atMost(Duration.ofMillis(500)).until(() -> !first.isHeld());
    await().until(second::isHeld);

    proxy.heal();

    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> second.isHeld() && !first.isHeld());
    assertThat(overlaps.get()).isZero();
  }

  @Test
  void nobodyHoldsItWhileRedisIsDownAndSomeoneDoesAgainAfterRestart() {
    var leases = List.of(lease(node("a", redis.uri())), lease(node("b", redis.uri())));
    watchForOverlap(leases);
    await().until(() -> holders(leases) == 1);

    redis.kill();

    await().atMost(Duration.ofMillis(500)).until(() -> holders(leases) == 0);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(() -> holders(leases) == 0);

    redis.restart();

    await().until(() -> holders(leases) == 1);
    assertThat(overlaps.get()).isZero();
  }
}
