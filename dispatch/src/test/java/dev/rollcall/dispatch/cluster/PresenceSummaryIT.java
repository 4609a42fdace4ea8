package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import dev.rollcall.testing.NodeSuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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

  private RedisServerProcess redis;
  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    for (ClusterNode node : nodes) {
      node.close();
      System.out.println("---- " + node + " ----\n" + node.log());
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void summaryAndFullHeroesShareOneLobbyAcrossThreeNodes() throws Exception {
    NodeSuite suite = new NodeSuite(JS, "the summary presence tests").prepare();
    redis = RedisServerProcess.start();
    for (int i = 1; i <= 3; i++) {
      nodes.add(ClusterNode.start("summary-" + i, redis.uri(), "1h"));
    }
    String urls =
        nodes.stream()
            .map(node -> "http://127.0.0.1:" + node.port())
            .collect(Collectors.joining(","));
    int exit =
        suite.test(
            Map.of("DISPATCH_URLS", urls), "--test-concurrency=1", "presence-summary.test.js");
    assertThat(exit).as("node --test presence-summary.test.js (output above)").isZero();
    assertThat(nodes).allMatch(ClusterNode::isAlive);
  }
}
