package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import dev.rollcall.testing.ExternalTool;
import dev.rollcall.testing.NodeSuite;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator dashboard ({@code /admin}) in real Chromium against two launcher JVMs on a real
 * Redis ({@code src/test/js/admin.test.js}): the sign-in, a wrong key refused, both nodes listed
 * with their figures, a hero joining on the other node raising the counts, and a screenshot in
 * {@code target/admin-dashboard.png}. A missing node, npm or chromium skips loudly; under CI it
 * fails.
 */
class AdminDashboardIT {
  private static final String KEY = "dashboard-test-key-0123456789";
  private static final Path JS = Path.of(System.getProperty("dispatch.js", "src/test/js"));
  private static final Path TARGET = Path.of(System.getProperty("dispatch.target", "target"));

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void theDashboardShowsBothNodesAndAHeroJoining() throws Exception {
    String chrome = System.getenv("CHROME_PATH");
    if (chrome == null || chrome.isBlank()) {
      chrome =
          ExternalTool.onPath("chromium")
              .orElseThrow(
                  () ->
                      ExternalTool.missing(
                          "chromium is not installed: the dashboard test cannot run",
                          "apt-get install chromium, or set CHROME_PATH"))
              .toString();
    }
    NodeSuite suite = new NodeSuite(JS, "the dashboard test").prepare();
    try (var redis = RedisServerProcess.start()) {
      List<ClusterNode> nodes =
          List.of("dash-a", "dash-b").stream()
              .map(
                  name ->
                      CompletableFuture.supplyAsync(
                          () -> ClusterNode.start(name, redis.uri(), "1h", "--api-key", KEY)))
              .toList()
              .stream()
              .map(CompletableFuture::join)
              .toList();
      try {
        ClusterNode a = nodes.get(0);
        ClusterNode b = nodes.get(1);
        int exit =
            suite.test(
                Map.of(
                    "ADMIN_URL_A",
                    "http://127.0.0.1:" + a.port(),
                    "ADMIN_URL_B",
                    "http://127.0.0.1:" + b.port(),
                    "NODE_A",
                    a.node(),
                    "NODE_B",
                    b.node(),
                    "API_KEY",
                    KEY,
                    "CHROME_PATH",
                    chrome,
                    "SCREENSHOT_DIR",
                    TARGET.toString()),
                "--test-concurrency=1",
                "admin.test.js");
        assertThat(exit).as("node --test admin.test.js (output above)").isZero();
      } finally {
        for (ClusterNode node : nodes) {
          node.close();
          String log = node.log();
          System.out.println(
              "---- " + node + " ----\n" + log.substring(Math.max(0, log.length() - 3000)));
        }
      }
    }
    assertThat(TARGET.resolve("admin-dashboard.png")).isNotEmptyFile();
  }
}
