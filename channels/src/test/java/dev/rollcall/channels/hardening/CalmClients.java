package dev.rollcall.channels.hardening;

import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Two well-behaved clients chatting on {@link FuzzFrames#CALM_TOPIC} while something else abuses
 * the server: every round, the talker pushes {@code echo} (reply expected) and {@code shout_others}
 * (reply expected, and the listener must receive the broadcast). Each round's round trip is
 * recorded; any missing or wrong frame is a failure. Rounds run on one scheduler thread, at a pace
 * well under the default message rate.
 */
final class CalmClients implements AutoCloseable {
  private final WsClient talker;
  private final WsClient listener;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "calm-clients"));
  private final List<Long> roundTripNanos = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private int round;

  CalmClients(RunningEndpoint server) {
    Vsn v = Vsn.V2;
    talker = server.connect(v);
    listener = server.connect(v);
    talker
        .send(v.join("1", FuzzFrames.CALM_TOPIC, "{}"))
        .expect(v.okJoin("1", FuzzFrames.CALM_TOPIC));
    listener
        .send(v.join("1", FuzzFrames.CALM_TOPIC, "{}"))
        .expect(v.okJoin("1", FuzzFrames.CALM_TOPIC));
  }

  /** Starts a round every {@code periodMillis}. */
  CalmClients start(long periodMillis) {
    scheduler.scheduleWithFixedDelay(this::round, 0, periodMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  private void round() {
    if (!failures.isEmpty()) {
      return;
    }
    Vsn v = Vsn.V2;
    String n = Integer.toString(++round);
    String payload = "{\"n\":" + n + "}";
    try {
      long start = System.nanoTime();
      talker
          .send(v.in("1", "e" + n, FuzzFrames.CALM_TOPIC, "echo", payload))
          .expect(v.reply("1", "e" + n, FuzzFrames.CALM_TOPIC, "ok", payload));
      roundTripNanos.add(System.nanoTime() - start);
      // Both heartbeat, as phoenix.js does: a socket that sends nothing is closed when idle.
      listener.send(v.heartbeat("h" + n)).expect(v.heartbeatReply("h" + n));
      talker
          .send(v.in("1", "s" + n, FuzzFrames.CALM_TOPIC, "shout_others", payload))
          .expect(v.reply("1", "s" + n, FuzzFrames.CALM_TOPIC, "ok", "{}"));
      listener.expect(v.out(null, null, FuzzFrames.CALM_TOPIC, "shout", payload));
    } catch (Throwable e) {
      failures.add("round " + n + ": " + e);
    }
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  int rounds() {
    return roundTripNanos.size();
  }

  /** Round trips of the echo pushes so far, in milliseconds: p50, p99, max. */
  String latencies() {
    List<Long> sorted;
    synchronized (roundTripNanos) {
      sorted = new ArrayList<>(roundTripNanos);
    }
    if (sorted.isEmpty()) {
      return "no round trips";
    }
    Collections.sort(sorted);
    return String.format(
        "%d round trips, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        sorted.size(),
        sorted.get(sorted.size() / 2) / 1e6,
        sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1e6,
        sorted.getLast() / 1e6);
  }

  /** Stops the rounds (waiting for the one in flight); the clients stay open. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
