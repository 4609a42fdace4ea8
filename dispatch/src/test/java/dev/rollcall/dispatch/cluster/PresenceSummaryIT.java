package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.testing.NodeSuite;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Summary presence in the lobby across three real launcher nodes on one real Redis, driven by the
 * official phoenix client ({@code src/test/js/presence-summary.test.js}): counts after joins,
 * leaves and status changes on any node, paging that returns every hero present throughout exactly
 * once while others come and go, bad params refused with a reason, and full-mode heroes in the same
 * lobby getting presence_state and presence_diff as before and never a count.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PresenceSummaryIT {
  private static final Path JS = Path.of(System.getProperty("dispatch.js"));

  private NodeCluster cluster;

  @AfterEach
  void stopEverything() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void summaryAndFullHeroesShareOneLobbyAcrossThreeNodes() throws Exception {
    NodeSuite suite = new NodeSuite(JS, "the summary presence tests").prepare();
    cluster = NodeCluster.start("summary", 3);
    int exit =
        suite.test(
            Map.of("DISPATCH_URLS", cluster.urls()),
            "--test-concurrency=1",
            "presence-summary.test.js");
    assertThat(exit).as("node --test presence-summary.test.js (output above)").isZero();
    assertThat(cluster.nodes()).allMatch(ClusterNode::isAlive);
  }
}
