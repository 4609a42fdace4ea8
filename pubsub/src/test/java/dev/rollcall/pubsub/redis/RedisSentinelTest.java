package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.redis.testing.RedisTopology;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes on a real master + replica watched by three Sentinels (quorum 2), through {@code
 * redis-sentinel://.../mastername}: when the master is killed the Sentinels promote the replica,
 * every node finds it, comes back up and delivers exactly once again, and the lease never has two
 * holders.
 */
@Timeout(120)
class RedisSentinelTest {

  @Test
  void deliveryAndLeaseFollowTheFailoverToThePromotedReplica() throws Exception {
    try (var sentinel = RedisTopology.sentinel("rollcall", 3, 2, Duration.ofMillis(1000));
        var scenario = new FailoverScenario(sentinel, "sentinel-test")) {
      scenario.assertDeliveryExactlyOnce("before");
      scenario.awaitOneHolder();

      RedisTopology.Node master = sentinel.masterFor(scenario.leaseKey());
      long killedAt = System.nanoTime();
      master.kill();

      Duration resumed = scenario.awaitDeliveryResumed(killedAt);
      System.err.printf(
          "redis sentinel: master %d killed, delivery resumed on every node after %d ms%n",
          master.port(), resumed.toMillis());
      scenario.assertEveryNodeCameBackUp();
      scenario.assertDeliveryExactlyOnce("after");
      scenario.awaitOneHolder();
      assertThat(scenario.overlaps()).as("instants with two lease holders").isZero();
      assertThat(sentinel.masterFor(scenario.leaseKey()).port()).isNotEqualTo(master.port());
    }
  }
}
