package dev.rollcall.channels.channel;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code perSecond}; each message takes one.
 * Exact integer arithmetic in billionths of a token (one per nanosecond at 1 token/s), so a client
 * that keeps to the rate is never refused by a rounding error. Pure: time is a parameter. Confined
 * to one connection's I/O thread.
 */
final class TokenBucket {
  private static final long ONE = 1_000_000_000L;

  private final long perSecond;
  private final long capacity;
  private long tokens;
  private long lastNanos;

  TokenBucket(int perSecond, int capacity, long nowNanos) {
    this.perSecond = perSecond;
    this.capacity = capacity * ONE;
    this.tokens = this.capacity;
    this.lastNanos = nowNanos;
  }

  /** Takes a token if there is one at {@code nowNanos} (which never goes back). */
  boolean tryTake(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      lastNanos = nowNanos;
      long room = capacity - tokens;
      // compare before multiplying, so a long idle time cannot overflow
      tokens = elapsed > room / perSecond ? capacity : tokens + elapsed * perSecond;
    }
    if (tokens >= ONE) {
      tokens -= ONE;
      return true;
    }
    return false;
  }
}
