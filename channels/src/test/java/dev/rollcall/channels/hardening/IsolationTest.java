package dev.rollcall.channels.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Crash isolation under load: one misbehaving channel must not delay the others. Each test keeps
 * other channels busy with round trips while one channel or socket misbehaves, prints their
 * latencies, and asserts only what shows isolation: the others' replies keep arriving while the
 * misbehaviour is still going on. The rate limit is lifted so the misbehaviour itself, not the
 * limiter, is what is measured.
 */
class IsolationTest {
  private static final Vsn V = Vsn.V2;

  /** Silenced while a channel crashes on purpose hundreds of times (one stack trace each). */
  private final Logger channelLog =
      (Logger) LoggerFactory.getLogger("dev.rollcall.channels.channel");

  private final CountDownLatch release = new CountDownLatch(1);
  private final Recorder recorder = new Recorder();
  private final RunningEndpoint server =
      new RunningEndpoint(
          c -> c.withMaxMessagesPerSecond(1_000_000).withMessageBurst(1_000_000),
          b ->
              b.socket(
                  Socket.builder()
                      .channel("room:*", () -> new RoomChannel(recorder))
                      .channel("bad:*", () -> new MisbehavingChannel(release))
                      .build()));

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
    channelLog.setLevel(null);
  }

  @Test
  void channelsBlockedInJoinAndHandleInDelayNoOtherChannel() {
    WsClient blocked = server.connect(V);
    WsClient other = server.connect(V);
    blocked.send(V.join("1", "bad:1", "{}")).expect(V.okJoin("1", "bad:1"));
    blocked.send(V.join("2", "room:a", "{}")).expect(V.okJoin("2", "room:a"));
    other.send(V.join("1", "room:b", "{}")).expect(V.okJoin("1", "room:b"));

    long blockedAt = System.nanoTime();
    blocked.send(V.in("1", "b1", "bad:1", "block", "{}"));
    blocked.send(V.join("3", "bad:block-join", "{}"));
    // While both block: round trips on another channel of the same socket and on another socket.
    Latencies sameSocket = new Latencies();
    Latencies otherSocket = new Latencies();
    for (int i = 0; i < 50; i++) {
      sameSocket.time(() -> echo(blocked, "2", "room:a"));
      otherSocket.time(() -> echo(other, "1", "room:b"));
    }
    long roundTripsTook = (System.nanoTime() - blockedAt) / 1_000_000;
    System.out.printf(
        "isolation (blocked %d s max): during the block, same socket %s; other socket %s;"
            + " 100 round trips took %d ms%n",
        MisbehavingChannel.BLOCK_SECONDS, sameSocket, otherSocket, roundTripsTook);
    // Only now do the blocked callbacks finish: nothing of theirs came before the round trips.
    release.countDown();
    blocked.expectUnordered(
        V.reply("1", "b1", "bad:1", "ok", "{}"), V.okJoin("3", "bad:block-join"));
  }

  @Test
  void aChannelCrashingOnEveryMessageDelaysNoOtherChannel() throws Exception {
    channelLog.setLevel(Level.OFF);
    WsClient crasher = server.connect(V);
    WsClient other = server.connect(V);
    other.send(V.join("1", "room:b", "{}")).expect(V.okJoin("1", "room:b"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger crashes = new AtomicInteger();
    Thread crashing =
        Thread.ofPlatform()
            .start(
                () -> {
                  // What phoenix.js does after phx_error: rejoin, and the next push crashes again.
                  for (int n = 1; !stop.get(); n++) {
                    String jr = Integer.toString(n);
                    crasher.send(V.join(jr, "bad:crash", "{}")).expect(V.okJoin(jr, "bad:crash"));
                    crasher
                        .send(V.in(jr, "t" + n, "bad:crash", "throw", "{}"))
                        .expect(
                            V.out(
                                jr,
                                jr,
                                "bad:crash",
                                "phx_error",
                                "{\"reason\":\"channel_crash\"}"));
                    crashes.incrementAndGet();
                  }
                });
    await().until(() -> crashes.get() >= 5);
    int crashesBefore = crashes.get();
    Latencies otherChannel = new Latencies();
    for (int i = 0; i < 100; i++) {
      otherChannel.time(() -> echo(other, "1", "room:b"));
    }
    int crashesDuring = crashes.get() - crashesBefore;
    stop.set(true);
    crashing.join(Duration.ofSeconds(20));
    System.out.printf(
        "isolation (crash loop): %d crashes during 100 round trips on another socket: %s%n",
        crashesDuring, otherChannel);
    assertThat(crashesDuring).as("crashes while the other channel was measured").isPositive();
    assertThat(crashing.isAlive()).isFalse();
  }

  @Test
  void aFloodOfJoinsAndLeavesFromOneSocketStarvesNoOtherSocket() throws Exception {
    WsClient other = server.connect(V);
    other.send(V.join("1", "room:b", "{}")).expect(V.okJoin("1", "room:b"));
    int pairs = 10_000;
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicInteger repliesSeen = new AtomicInteger();
    try (RawWebSocket flood = RawWebSocket.connect(server.port(), V.vsn)) {
      // Each pair is answered with a join reply, a leave reply and phx_close; pairs run on
      // different channel processes, so their frames interleave and none is reliably last.
      int expectedFrames = 3 * pairs;
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      while (repliesSeen.get() < expectedFrames && flood.read(30_000) != null) {
                        repliesSeen.incrementAndGet();
                      }
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    } finally {
                      flooding.set(false);
                    }
                  });
      long started = System.nanoTime();
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < pairs; i++) {
                        String topic = "room:f" + (i % 50);
                        String jr = "j" + i;
                        flood.sendText(V.join(jr, topic, "{}"));
                        flood.sendText(V.in(jr, "l" + i, topic, "phx_leave", "{}"));
                      }
                      flood.flush();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      Latencies during = new Latencies();
      while (flooding.get()) {
        during.time(() -> echo(other, "1", "room:b"));
      }
      writer.join(Duration.ofSeconds(60));
      reader.join(Duration.ofSeconds(60));
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          "isolation (join/leave flood): %d frames in, %d frames back in %.1f s (%.0f joins/s);"
              + " meanwhile another socket: %s%n",
          2 * pairs, repliesSeen.get(), seconds, pairs / seconds, during);
      assertThat(repliesSeen.get()).as("the flood was served").isEqualTo(3 * pairs);
      assertThat(during.count()).as("round trips of another socket during the flood").isPositive();
    }
  }

  private static void echo(WsClient client, String joinRef, String topic) {
    String ref = Long.toString(System.nanoTime());
    client
        .send(V.in(joinRef, ref, topic, "echo", "{\"ref\":\"" + ref + "\"}"))
        .expect(V.reply(joinRef, ref, topic, "ok", "{\"ref\":\"" + ref + "\"}"));
  }

  /** Round trip times of one client, printed as count, p50, p99 and max. Single-threaded. */
  private static final class Latencies {
    private final List<Long> nanos = new ArrayList<>();

    void time(Runnable roundTrip) {
      long start = System.nanoTime();
      roundTrip.run();
      nanos.add(System.nanoTime() - start);
    }

    int count() {
      return nanos.size();
    }

    @Override
    public String toString() {
      if (nanos.isEmpty()) {
        return "no round trips";
      }
      List<Long> sorted = new ArrayList<>(nanos);
      Collections.sort(sorted);
      return String.format(
          "%d round trips, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
          sorted.size(),
          sorted.get(sorted.size() / 2) / 1e6,
          sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1e6,
          sorted.getLast() / 1e6);
    }
  }
}
