package dev.rollcall.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.Socket;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.testing.NodeSuite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js} (node --test with the official phoenix npm {@code Presence}, pinned in
 * package-lock.json) against an endpoint whose rooms track every client, with the default diff
 * window so coalesced diffs are what phoenix.js merges. Without node/npm it skips loudly locally
 * and fails under {@code CI=true}.
 */
class PresenceNodeConformanceTest {
  private static final Path JS = Path.of("src/test/js");

  @Test
  void officialPhoenixPresenceAgreesWithTheServer() throws Exception {
    NodeSuite suite = new NodeSuite(JS, "the phoenix.js Presence conformance").prepare();
    PresenceConfig config =
        PresenceConfig.defaults()
            .withTracker(
                new TrackerConfig(
                    "presence",
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(10),
                    Duration.ofMillis(20)));
    try (LocalPubSub pubSub = new LocalPubSub("node-a");
        Presence presence = Presence.start(pubSub, config);
        Endpoint endpoint =
            Endpoint.builder()
                .config(EndpointConfig.defaults().withHost("127.0.0.1").withPort(0))
                .pubSub(pubSub)
                .socket(
                    Socket.builder()
                        .channel("room:*", () -> new PresenceRoomChannel(presence))
                        .build())
                .start()) {
      int exit =
          suite.test(Map.of("ROLLCALL_URL", "ws://127.0.0.1:" + endpoint.port() + "/socket"));
      assertThat(exit).as("node --test exit code (output above)").isZero();
    }
  }
}
