package dev.rollcall.dispatch.history;

import java.time.Duration;
import java.util.Objects;

/**
 * How much history each stream keeps.
 *
 * @param size entries kept per stream (Redis trims approximately: a few more may stay); 0 turns
 *     history off: notifications still carry ids, nothing is kept, nothing is replayed
 * @param ttl how long an entry is kept, and how long a hero who left still gets queued direct
 *     notifications
 */
public record HistoryConfig(int size, Duration ttl) {
  public static final int MAX_SIZE = 100_000;

  /** The most a join may ask for with {@code history}. */
  public static final int MAX_RECENT = 20;

  public HistoryConfig {
    Objects.requireNonNull(ttl, "ttl");
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("history size must be 0.." + MAX_SIZE + ", got " + size);
    }
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("history ttl must be positive, got " + ttl);
    }
  }

  public static HistoryConfig defaults() {
    return new HistoryConfig(100, Duration.ofMinutes(10));
  }

  public boolean enabled() {
    return size > 0;
  }
}
