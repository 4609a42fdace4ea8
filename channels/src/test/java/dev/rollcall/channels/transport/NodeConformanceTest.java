package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.testing.NodeSuite;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js} (node --test with the official phoenix npm client, pinned in
 * package-lock.json) against an endpoint serving the test socket. Without node/npm it skips loudly
 * locally and fails under {@code CI=true}.
 */
class NodeConformanceTest {
  private static final Path JS = Path.of("src/test/js");

  @Test
  void officialPhoenixClientConformance() throws Exception {
    NodeSuite suite = new NodeSuite(JS, "the phoenix.js conformance suite").prepare();
    AtomicReference<Endpoint> self = new AtomicReference<>();
    try (RunningEndpoint server =
        new RunningEndpoint(
            config -> config,
            builder ->
                builder.http(
                    "/test/disconnect",
                    request -> {
                      // lets the suite make the server drop a connection (disconnect by socket id)
                      self.get().disconnect(request.query().get("id"));
                      return new HttpRoute.Response(204, null, new byte[0]);
                    }))) {
      self.set(server.endpoint);
      int exit =
          suite.test(
              Map.of(
                  "ROLLCALL_URL",
                  "ws://127.0.0.1:" + server.port() + "/socket",
                  "ROLLCALL_HTTP",
                  "http://127.0.0.1:" + server.port()));
      assertThat(exit).as("node --test exit code (output above)").isZero();
    }
  }
}
