package dev.rollcall.presence;

/**
 * Hears how long presence's tracker takes over its periodic work, for metrics, so this module needs
 * no metrics library. Called on the tracker's own thread, with the time in nanoseconds: it must be
 * quick and must not block. Without an observer ({@link #NONE}) nothing is timed.
 *
 * <p>What each figure measures is defined in docs/operations.md ("Latency histograms").
 */
public interface TrackerObserver {

  /** Observes nothing; the tracker then reads no clock for these figures. */
  TrackerObserver NONE = new TrackerObserver() {};

  /**
   * One heartbeat ran: broadcasting this node's delta (or an empty beat), asking peers with gaps
   * for transfers again, and marking silent peers down or forgotten.
   */
  default void heartbeat(long nanos) {}

  /**
   * A peer's delta (from its heartbeat) or a transferred chunk of its state was merged into this
   * node's replica, the presence view updated and the resulting diffs queued.
   */
  default void merged(long nanos) {}
}
