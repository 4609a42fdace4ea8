package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import dev.rollcall.testing.NodeSuite;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two launcher nodes on a real Redis behind a round-robin proxy without stickiness: phoenix.js over
 * LongPoll keeps one session while its requests alternate between the nodes, and when the session's
 * node is killed it reconnects as a new session on the other while its old presence leaves ({@code
 * src/test/js/longpoll-cluster.test.js}).
 */
class LongPollAcrossNodesIT {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aLongPollSessionWorksAcrossNodesAndMovesWhenItsNodeDies() throws Exception {
    var suite =
        new NodeSuite(
                Path.of(System.getProperty("dispatch.js", "src/test/js")),
                "the long-poll cluster test")
            .prepare();
    try (var redis = RedisServerProcess.start();
        var a = ClusterNode.start("lp-a", redis.uri(), "1h", "--longpoll-window", "2s");
        var b = ClusterNode.start("lp-b", redis.uri(), "1h", "--longpoll-window", "2s");
        var proxy = new RoundRobinProxy(List.of(a.port(), b.port()))) {
      int exit =
          suite.test(
              Map.of(
                  "PROXY_URL", "http://127.0.0.1:" + proxy.port(),
                  "NODE_URLS",
                      "{\"lp-a\":\"http://127.0.0.1:%d\",\"lp-b\":\"http://127.0.0.1:%d\"}"
                          .formatted(a.port(), b.port()),
                  "NODE_PIDS", "{\"lp-a\":%d,\"lp-b\":%d}".formatted(a.pid(), b.pid())),
              "--test-concurrency=1",
              "longpoll-cluster.test.js");
      if (exit != 0) {
        System.out.println("---- lp-a ----\n" + a.log() + "\n---- lp-b ----\n" + b.log());
      }
      assertThat(exit).as("node --test longpoll-cluster.test.js (output above)").isZero();
      assertThat(proxy.served(a.port())).as("requests node a answered").isPositive();
      assertThat(proxy.served(b.port())).as("requests node b answered").isPositive();
    }
  }
}
