package dev.rollcall.examples.chat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.Channel;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Two chat nodes over a real Redis, as the guide's multi-node step runs them, with the guide's
 * terminal client on each: a user on one node sees the other node's user and message, and a message
 * sent through one node is in the other node's history.
 */
class ChatClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void twoNodesShareRoomsOverRedis() throws Exception {
    // Own threads for the two blocking terminal clients, so they take none from the common pool.
    try (ExecutorService users = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory());
        RedisServerProcess redis = RedisServerProcess.start();
        ChatServer a = new ChatServer(0, ChatServer.pubSub(redis.uri()));
        ChatServer b = new ChatServer(0, ChatServer.pubSub(redis.uri()))) {
      var annOut = new ByteArrayOutputStream();
      var annTyping = new PipedOutputStream();
      var annIn = new PipedInputStream(annTyping);
      CompletableFuture<Void> ann =
          CompletableFuture.runAsync(() -> chat(url(a), "ann", annIn, annOut), users);
      await().atMost(WAIT).until(() -> annOut.toString(UTF_8).contains("online: [ann]"));

      var bobOut = new ByteArrayOutputStream();
      var bobTyping = new PipedOutputStream();
      var bobIn = new PipedInputStream(bobTyping);
      CompletableFuture<Void> bob =
          CompletableFuture.runAsync(() -> chat(url(b), "bob", bobIn, bobOut), users);
      // Bob types once each sees the other: both nodes reach each other through Redis by then.
      await()
          .atMost(WAIT)
          .until(() -> annOut.toString(UTF_8).matches("(?s).*online: \\[(ann, bob|bob, ann)\\].*"));
      await()
          .atMost(WAIT)
          .until(() -> bobOut.toString(UTF_8).matches("(?s).*online: \\[(ann, bob|bob, ann)\\].*"));
      bobTyping.write("hello from b\n".getBytes(UTF_8));
      bobTyping.close();
      bob.get(15, TimeUnit.SECONDS);

      await().atMost(WAIT).until(() -> annOut.toString(UTF_8).contains("bob: hello from b"));
      assertThat(bobOut.toString(UTF_8)).contains("bob: hello from b").doesNotContain("not sent");

      // A user joining on node a later gets the message node b relayed in the history.
      Socket late = new Socket(url(a), SocketConfig.defaults());
      late.connect();
      Channel room = late.channel("room:lobby", Map.of("user", "cy"));
      var history = new AtomicReference<Object>();
      room.on("history", history::set);
      assertThat(room.join().reply().get(10, TimeUnit.SECONDS).isOk()).isTrue();
      await().atMost(WAIT).until(() -> history.get() != null);
      assertThat(history.get().toString()).contains("hello from b");
      late.disconnect().get(10, TimeUnit.SECONDS);

      annTyping.close(); // ann's input ends: her client leaves
      ann.get(15, TimeUnit.SECONDS);
    }
  }

  private static String url(ChatServer server) {
    return "ws://127.0.0.1:" + server.port() + "/socket";
  }

  private static void chat(String url, String user, InputStream in, ByteArrayOutputStream out) {
    try {
      ChatClient.chat(url, user, in, new PrintStream(out, true, UTF_8));
    } catch (Exception e) {
      throw new AssertionError(user + "'s client failed", e);
    }
  }
}
