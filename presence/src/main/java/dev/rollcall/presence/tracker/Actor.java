package dev.rollcall.presence.tracker;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The one thread that owns a tracker replica's state: its tasks run one at a time, in the order
 * they were queued (timers when due). A test substitutes one that runs the tasks when it moves its
 * clock.
 */
interface Actor {

  /** Queues {@code task}; false once the actor is closing, when nothing more runs. */
  boolean execute(Runnable task);

  /** Runs {@code task} after {@code delay}; false once the actor is closing. */
  boolean schedule(Runnable task, Duration delay);

  /**
   * Runs {@code task} after everything queued before it and returns its result, waiting at most
   * {@code timeout} (tests and diagnostics).
   *
   * @throws IllegalStateException if it did not answer in time or failed
   */
  <T> T call(Callable<T> task, Duration timeout);

  /**
   * Refuses new work, runs {@code last} after what is already queued (waiting at most {@code
   * timeout}), then stops. Returns whether {@code last} ran in time.
   */
  boolean close(Runnable last, Duration timeout);
}
