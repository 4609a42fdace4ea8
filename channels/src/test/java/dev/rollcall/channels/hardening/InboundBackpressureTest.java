package dev.rollcall.channels.hardening;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.Socket;
import dev.rollcall.channels.testing.Recorder;
import dev.rollcall.channels.testing.RoomChannel;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Backpressure from channels to sockets ({@code maxQueuedInbound}): a socket whose channels are
 * behind is not read until they catch up, over real TCP, and nothing it sent is lost or reordered.
 */
class InboundBackpressureTest {
  private static final Vsn V = Vsn.V2;
  private static final int BOUND = 200;

  /**
   * Frames already read when reading stops are still decoded and queued: at most one read buffer
   * (Netty's adaptive allocator reads at most 64 KiB at a time) of ~1 KiB frames beyond the bound.
   */
  private static final int ONE_READ = 64;

  private static final String PAD = "x".repeat(1000);

  private final Logger channelLog =
      (Logger) LoggerFactory.getLogger("dev.rollcall.channels.channel");
  private final CountDownLatch open = new CountDownLatch(1);
  private final Queue<Integer> handled = new ConcurrentLinkedQueue<>();
  private final Recorder recorder = new Recorder();
  private final RunningEndpoint server =
      new RunningEndpoint(
          c ->
              c.withMaxMessagesPerSecond(1_000_000)
                  .withMessageBurst(1_000_000)
                  .withMaxQueuedInbound(BOUND),
          b ->
              b.socket(
                  Socket.builder()
                      .channel("gate:*", () -> new GateChannel(open, handled))
                      .channel("room:*", () -> new RoomChannel(recorder))
                      .build()));

  @AfterEach
  void stop() {
    open.countDown();
    server.close();
    channelLog.setLevel(null);
  }

  @Test
  void aSocketWhoseChannelIsBehindIsNotReadUntilItCatchesUpAndNothingIsLost() throws Exception {
    // 20 MB of 1 KB frames: far more than loopback's socket buffers hold, so the writer must block.
    int messages = 20_000;
    WsClient other = server.connect(V);
    other.send(V.join("1", "room:b", "{}")).expect(V.okJoin("1", "room:b"));
    try (RawWebSocket flood = RawWebSocket.connect(server.port(), V.vsn)) {
      flood.sendText(V.join("1", "gate:a", "{}"));
      flood.flush();
      expectFrame(flood, V.okJoin("1", "gate:a"));
      AtomicInteger written = new AtomicInteger();
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      flood.sendText(V.in("1", "b", "gate:a", "block", "{}"));
                      for (int i = 0; i < messages; i++) {
                        flood.sendText(numbered(i));
                        written.incrementAndGet();
                      }
                      flood.flush();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });

      await().until(() -> stats().pausedSockets() == 1);
      // Paused: the queue stays at the bound, the client's writes back up in TCP, and another
      // socket still gets its round trips.
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  stats().queuedInbound() >= BOUND
                      && stats().queuedInbound() <= BOUND + ONE_READ
                      && writer.isAlive());
      for (int i = 0; i < 20; i++) {
        echo(other, "1", "room:b");
      }
      int writtenWhilePaused = written.get();
      long queuedWhilePaused = stats().queuedInbound();
      assertThat(writtenWhilePaused).as("messages the client got into TCP").isLessThan(messages);

      open.countDown();
      writer.join(Duration.ofSeconds(30));
      assertThat(writer.isAlive()).as("the writer finished once the channel caught up").isFalse();
      flood.sendText(V.in("1", "last", "gate:a", "echo", "{}"));
      flood.flush();
      expectFrame(flood, V.reply("1", "last", "gate:a", "ok", "{}"));
      System.out.printf(
          "backpressure: paused with %d queued (bound %d) after the client wrote %d of %d;"
              + " all %d handled in order after release%n",
          queuedWhilePaused, BOUND, writtenWhilePaused, messages, handled.size());
      assertThat(handled).containsExactlyElementsOf(IntStream.range(0, messages).boxed().toList());
      await().until(() -> stats().queuedInbound() == 0 && stats().pausedSockets() == 0);
    }
  }

  @Test
  void channelsThatCrashOrLeaveWithMailQueuedReleaseTheirShareOfTheBound() throws Exception {
    channelLog.setLevel(Level.OFF);
    try (RawWebSocket socket = RawWebSocket.connect(server.port(), V.vsn)) {
      socket.sendText(V.join("1", "gate:a", "{}"));
      socket.sendText(V.join("2", "gate:b", "{}"));
      socket.flush();
      // Two channel processes answer their joins independently: either reply may come first.
      List<Object> replies = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String frame = text(socket.read(10_000));
        assertThat(frame).as("join reply %d", i + 1).isNotNull();
        replies.add(WsClient.parse(frame));
      }
      assertThat(replies)
          .containsExactlyInAnyOrder(
              WsClient.parse(V.okJoin("1", "gate:a")), WsClient.parse(V.okJoin("2", "gate:b")));
      // gate:a crashes with mail behind the crash; gate:b leaves with mail before the leave, and
      // is joined again; together far over the bound, so the socket pauses on the way.
      socket.sendText(V.in("1", "ba", "gate:a", "block", "{}"));
      socket.sendText(V.in("1", "crash", "gate:a", "throw", "{}"));
      for (int i = 0; i < 300; i++) {
        socket.sendText(V.in("1", "a" + i, "gate:a", "n", "{\"n\":" + i + "}"));
      }
      socket.sendText(V.in("2", "bb", "gate:b", "block", "{}"));
      for (int i = 0; i < 300; i++) {
        socket.sendText(V.in("2", "b" + i, "gate:b", "n", "{\"n\":" + i + "}"));
      }
      socket.sendText(V.in("2", "leave", "gate:b", "phx_leave", "{}"));
      socket.sendText(V.join("3", "gate:b", "{}"));
      socket.sendText(V.in("3", "again", "gate:b", "echo", "{}"));
      socket.flush();
      await().until(() -> stats().pausedSockets() == 1);

      open.countDown();
      // The rejoined channel answers only once the socket is read again, so this reply shows
      // reading resumed; what the crashed channel's topic got meanwhile depends on timing.
      String answer = V.reply("3", "again", "gate:b", "ok", "{}");
      String frame;
      do {
        frame = text(socket.read(10_000));
      } while (frame != null && !WsClient.parse(frame).equals(WsClient.parse(answer)));
      assertThat(frame).as("the rejoined channel's echo").isNotNull();
      await().until(() -> stats().queuedInbound() == 0 && stats().pausedSockets() == 0);
      assertThat(stats().queuedMail()).isZero();
    }
  }

  @Test
  void manySocketsEachUnderTheirBoundStopAtTheEndpointBudgetAndLoseNothing() throws Exception {
    int sockets = 4;
    int each = 300;
    int budget = 300;
    Queue<Integer> handledHere = new ConcurrentLinkedQueue<>();
    try (RunningEndpoint node =
        new RunningEndpoint(
            c ->
                c.withMaxMessagesPerSecond(1_000_000)
                    .withMessageBurst(1_000_000)
                    .withMaxQueuedInboundTotal(budget),
            b ->
                b.socket(
                    Socket.builder()
                        .channel("gate:*", () -> new GateChannel(open, handledHere))
                        .build()))) {
      List<RawWebSocket> clients = new ArrayList<>();
      List<Thread> writers = new ArrayList<>();
      try {
        for (int s = 0; s < sockets; s++) {
          RawWebSocket client = RawWebSocket.connect(node.port(), V.vsn);
          clients.add(client);
          String topic = "gate:" + s;
          client.sendText(V.join("1", topic, "{}"));
          client.flush();
          expectFrame(client, V.okJoin("1", topic));
          int first = s * 100_000;
          writers.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          client.sendText(V.in("1", "b", topic, "block", "{}"));
                          for (int i = 0; i < each; i++) {
                            client.sendText(numbered(topic, first + i));
                          }
                          client.flush();
                        } catch (IOException e) {
                          throw new UncheckedIOException(e);
                        }
                      }));
        }
        Endpoint.Stats[] seen = new Endpoint.Stats[1];
        await()
            .until(
                () -> {
                  seen[0] = node.endpoint.stats();
                  return seen[0].pausedSockets() == sockets;
                });
        // Every socket ended up paused, with the endpoint's queue at its budget give or take one
        // read per socket, far from the 1200 messages sent.
        assertThat(seen[0].queuedInbound())
            .isBetween((long) budget, (long) budget + sockets * ONE_READ);

        open.countDown();
        for (Thread writer : writers) {
          writer.join(Duration.ofSeconds(30));
        }
        await().until(() -> handledHere.size() == sockets * each);
        for (int s = 0; s < sockets; s++) {
          int first = s * 100_000;
          assertThat(handledHere.stream().filter(n -> n / 100_000 == first / 100_000).toList())
              .as("socket %d's messages, in order", s)
              .containsExactlyElementsOf(IntStream.range(first, first + each).boxed().toList());
        }
        await()
            .until(
                () ->
                    node.endpoint.stats().queuedInbound() == 0
                        && node.endpoint.stats().pausedSockets() == 0);
      } finally {
        clients.forEach(RawWebSocket::close);
      }
    }
  }

  private Endpoint.Stats stats() {
    return server.endpoint.stats();
  }

  /**
   * A V2 push of {@code n} to gate:a, padded to 1 KB (concatenated: 20k Jackson trees are slow).
   */
  private static String numbered(int n) {
    return numbered("gate:a", n);
  }

  private static String numbered(String topic, int n) {
    return "[\"1\",null,\"" + topic + "\",\"n\",{\"n\":" + n + ",\"pad\":\"" + PAD + "\"}]";
  }

  private static void expectFrame(RawWebSocket socket, String expected) throws IOException {
    String frame = text(socket.read(10_000));
    assertThat(frame).isNotNull();
    assertThat(WsClient.parse(frame)).isEqualTo(WsClient.parse(expected));
  }

  private static String text(RawWebSocket.Frame frame) {
    return frame == null ? null : new String(frame.payload(), UTF_8);
  }

  private static void echo(WsClient client, String joinRef, String topic) {
    String ref = Long.toString(System.nanoTime());
    client
        .send(V.in(joinRef, ref, topic, "echo", "{\"ref\":\"" + ref + "\"}"))
        .expect(V.reply(joinRef, ref, topic, "ok", "{\"ref\":\"" + ref + "\"}"));
  }
}
