package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.redis.testing.RedisTopology;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes on a real 3-master Redis Cluster (one replica each) through {@code redis-cluster://}:
 * sharded pub/sub carries broadcasts and direct messages, and killing the master that holds the
 * lease key (and some of the broadcast channels) is survived: the replica takes over, every node
 * comes back up, delivery resumes exactly once, and the lease never has two holders.
 */
@Timeout(120)
class RedisClusterTest {

  @Test
  void deliveryAndLeaseSurviveTheKillOfAMaster() throws Exception {
    // A fixed prefix: the channels' slots, and so the masters they live on, are the same each run.
    String prefix = "cluster-test";
    try (var cluster = RedisTopology.cluster(3, Duration.ofMillis(1000))) {
      RedisTopology.Node victim = cluster.masterFor(prefix + ":lease:dispatcher");
      // The victim is also the first seed node the nodes are given: the hardest to do without.
      try (var scenario = new FailoverScenario(cluster, cluster.uri(victim), prefix)) {
        scenario.assertDeliveryExactlyOnce("before");
        scenario.awaitOneHolder();

        long killedAt = System.nanoTime();
        victim.kill();

        Duration resumed = scenario.awaitDeliveryResumed(killedAt);
        System.err.printf(
            "redis cluster: master %d killed, delivery resumed on every node after %d ms%n",
            victim.port(), resumed.toMillis());
        scenario.assertEveryNodeCameBackUp();
        scenario.assertDeliveryExactlyOnce("after");
        scenario.awaitOneHolder();
        assertThat(scenario.overlaps()).as("instants with two lease holders").isZero();
        assertThat(cluster.masterFor(scenario.leaseKey()).port()).isNotEqualTo(victim.port());
      }
    }
  }
}
