package dev.rollcall.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.testing.NodeSuite;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js} (node --test with the official phoenix npm client, pinned in
 * package-lock.json) against the chat server. Without node/npm it skips loudly locally and fails
 * under {@code CI=true}.
 */
class ChatNodeTest {

  @Test
  void thePhoenixJsClientChats() throws Exception {
    NodeSuite suite = new NodeSuite(Path.of("src/test/js"), "the chat example's JS test").prepare();
    try (ChatServer server = new ChatServer(0, new LocalPubSub("chat-test"))) {
      int exit = suite.test(Map.of("CHAT_URL", "ws://127.0.0.1:" + server.port() + "/socket"));
      assertThat(exit).as("node --test exit code (output above)").isZero();
    }
  }
}
