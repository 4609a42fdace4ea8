package dev.rollcall.presence.tracker;

import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.crdt.Delta;
import dev.rollcall.presence.crdt.TrackerState;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's beat (after Phoenix.Tracker.Shard's heartbeat): broadcast the delta, request
 * transfers, detect downs, schedule the next beat; and the early delta that a local change
 * schedules {@link TrackerConfig#deltaDelay()} after it. Threading: runs on the actor.
 */
final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final TrackerState state;
  private final Gossip gossip;
  private final Transfers transfers;
  private final Peers peers;
  private final Actor actor;
  private final TrackerClock clock;
  private final TrackerConfig config;
  private final TrackerTimings timings;
  private boolean deltaFlushScheduled;

  Heartbeat(
      TrackerState state,
      Gossip gossip,
      Transfers transfers,
      Peers peers,
      Actor actor,
      TrackerClock clock,
      TrackerConfig config,
      TrackerTimings timings) {
    this.timings = timings;
    this.state = state;
    this.gossip = gossip;
    this.transfers = transfers;
    this.peers = peers;
    this.actor = actor;
    this.clock = clock;
    this.config = config;
  }

  /** Schedules the first beat, jittered so nodes started together do not beat in lockstep. */
  void start() {
    long period = config.broadcastPeriod().toNanos();
    long first = period + ThreadLocalRandom.current().nextLong(period / 4 + 1);
    actor.schedule(this::beat, Duration.ofNanos(first));
  }

  private void beat() {
    long start = timings.start();
    try {
      broadcastDelta();
      requestTransfers();
      detectDowns();
      timings.heartbeat(start);
    } catch (RuntimeException e) {
      log.error("tracker {} heartbeat failed", config.name(), e);
    } finally {
      scheduleNext();
    }
  }

  /** Sends the own changes since the last send, or an empty beat, so silence means failure. */
  private void broadcastDelta() {
    Delta delta = state.hasDelta() ? state.delta() : null;
    state.resetDelta();
    try {
      gossip.toAll(new TrackerMessage.Heartbeat(state.replica(), state.clock(), delta));
    } catch (RuntimeException e) {
      // Peers see the gap in our clock and ask for a transfer.
      log.warn("tracker {} could not broadcast its heartbeat: {}", config.name(), e.toString());
    }
  }

  private void requestTransfers() {
    transfers.askAgain(clock.nanoTime());
  }

  private void detectDowns() {
    peers.detectDowns(clock.nanoTime());
  }

  private void scheduleNext() {
    actor.schedule(this::beat, config.broadcastPeriod());
  }

  /**
   * A local change was applied: the own delta goes out deltaDelay from now, unless a send is
   * already due, so every change made until then rides in the same message.
   */
  void changed() {
    if (deltaFlushScheduled || config.deltaDelay().isZero()) {
      return;
    }
    deltaFlushScheduled = actor.schedule(this::flushDelta, config.deltaDelay());
  }

  /**
   * Sends the pending own delta early, as a heartbeat message: receivers merge it and check our
   * clock for gaps exactly as on a periodic beat. Nothing to send if a beat already carried it.
   */
  private void flushDelta() {
    deltaFlushScheduled = false;
    try {
      if (state.hasDelta()) {
        broadcastDelta();
      }
    } catch (RuntimeException e) {
      log.error("tracker {} delta broadcast failed", config.name(), e);
    }
  }
}
