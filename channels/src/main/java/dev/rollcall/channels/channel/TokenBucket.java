package dev.rollcall.channels.channel;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code perSecond}; each message takes one.
 * Pure: time is a parameter. Confined to one connection's I/O thread.
 */
final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final double perNano;
  private final double capacity;
  private double tokens;
  private long lastNanos;

  TokenBucket(int perSecond, int capacity, long nowNanos) {
    this.perNano = perSecond / NANOS_PER_SECOND;
    this.capacity = capacity;
    this.tokens = capacity;
    this.lastNanos = nowNanos;
  }

  /** Takes a token if there is one at {@code nowNanos}. */
  boolean tryTake(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * perNano);
      lastNanos = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
