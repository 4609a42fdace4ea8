package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.testing.NodeSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Notification history across three real launcher nodes on one real Redis, driven by the official
 * phoenix client ({@code src/test/js/history-cluster.test.js}): a hero who drops on one node and
 * comes back on another recovers everything sent meanwhile; Redis restarted under connected heroes
 * crashes nothing, a rejoin from before reports {@code recovered: false}, live delivery resumes.
 * This test restarts Redis when the script asks for it (a file in a signal directory).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HistoryClusterIT {
  private static final Path JS = Path.of(System.getProperty("dispatch.js"));

  private NodeCluster cluster;

  @AfterEach
  void stopEverything() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void replayAcrossNodesAndARedisRestart() throws Exception {
    NodeSuite suite = new NodeSuite(JS, "the history cluster tests").prepare();
    cluster = NodeCluster.start("history", 3, "--history-size", "12");
    Path signals = Files.createTempDirectory("history-signals");
    var restarter =
        CompletableFuture.runAsync(
            () -> {
              try {
                while (!Files.exists(signals.resolve("restart-redis"))) {
                  Thread.sleep(50);
                }
                cluster.redis().kill(); // no save on the way down: what Redis held is gone
                cluster.redis().restart();
                Files.createFile(signals.resolve("redis-restarted"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    int exit =
        suite.test(
            Map.of("DISPATCH_URLS", cluster.urls(), "SIGNALS", signals.toString()),
            "--test-concurrency=1",
            "history-cluster.test.js");
    assertThat(exit).as("node --test history-cluster.test.js (output above)").isZero();
    assertThat(restarter).isCompleted();
    assertThat(cluster.nodes()).allMatch(ClusterNode::isAlive);
  }
}
