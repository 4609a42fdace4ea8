package dev.rollcall.presence.tracker;

import dev.rollcall.presence.TrackerObserver;

/**
 * The tracker's observer, which may be set after the replica started; its parts ask {@link
 * #observing()} before reading the clock. Thread-safe: a volatile field, read on the actor.
 */
final class TrackerTimings {
  private static final long NOT_TIMED = Long.MIN_VALUE;

  private final TrackerClock clock;
  private volatile TrackerObserver observer = TrackerObserver.NONE;

  TrackerTimings(TrackerClock clock) {
    this.clock = clock;
  }

  void observe(TrackerObserver observer) {
    this.observer = observer;
  }

  /**
   * The clock reading to time from, or a mark that nothing is timed when nobody observes (then
   * nothing is reported).
   */
  long start() {
    return observer == TrackerObserver.NONE ? NOT_TIMED : clock.nanoTime();
  }

  void heartbeat(long start) {
    TrackerObserver current = observer;
    if (start != NOT_TIMED && current != TrackerObserver.NONE) {
      current.heartbeat(clock.nanoTime() - start);
    }
  }

  void merged(long start) {
    TrackerObserver current = observer;
    if (start != NOT_TIMED && current != TrackerObserver.NONE) {
      current.merged(clock.nanoTime() - start);
    }
  }
}
