package dev.rollcall.channels;

/**
 * Hears how long an endpoint takes over its work, for metrics (a Micrometer timer, a log), so this
 * module needs no metrics library. Each method is called on a hot path (an I/O thread or a
 * channel's thread), once per event, with the time in nanoseconds: it must be quick and must not
 * block. Without an observer ({@link #NONE}) nothing more is read per message: the read time is the
 * one the rate limiter takes anyway, and no clock is read at the reply or the delivery.
 *
 * <p>What each figure measures is defined in docs/operations.md ("Latency histograms").
 */
public interface EndpointObserver {

  /** Observes nothing; the endpoint then skips the clock reads at replies and deliveries. */
  EndpointObserver NONE = new EndpointObserver() {};

  /**
   * A {@code phx_join} was answered by its channel: from its frame being read off the socket to its
   * reply (ok, or the error of a refused or crashed {@code join}) being encoded and queued on the
   * connection. Joins the endpoint refuses itself (unmatched topic, limits) are not counted.
   */
  default void joined(long nanos) {}

  /**
   * A client push was answered by its channel's {@code handleIn}: from its frame being read off the
   * socket to the reply being encoded and queued on the connection. Pushes answered with {@code
   * Reply.none()} are not counted.
   */
  default void replied(long nanos) {}

  /**
   * A broadcast on a channel's own topic reached one subscriber's connection: from the broadcast
   * being handed to this node's subscribers (published on this node, or received from another node)
   * to its frame being queued on that subscriber's connection. Once per subscriber.
   */
  default void delivered(long nanos) {}
}
