package dev.rollcall.dispatch;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of milliseconds with fixed buckets. Thread-safe: atomic counters; a scrape
 * may see one observation in the count but not yet in a bucket, as any lock-free histogram.
 */
final class LatencyHistogram {
  static final long[] BOUNDS_MS = {
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000
  };

  private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_MS.length);
  private final LongAdder count = new LongAdder();
  private final LongAdder sumMillis = new LongAdder();

  void observe(long millis) {
    for (int i = 0; i < BOUNDS_MS.length; i++) {
      if (millis <= BOUNDS_MS[i]) {
        buckets.incrementAndGet(i);
        break;
      }
    }
    count.increment();
    sumMillis.add(millis);
  }

  /** Appends the {@code _bucket}, {@code _sum} (seconds) and {@code _count} lines. */
  void write(StringBuilder text, String name, String help) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < BOUNDS_MS.length; i++) {
      cumulative += buckets.get(i);
      text.append(name)
          .append("_bucket{le=\"")
          .append(BOUNDS_MS[i] / 1000.0)
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    long total = count.sum();
    text.append(name).append("_bucket{le=\"+Inf\"} ").append(total).append('\n');
    text.append(name).append("_sum ").append(sumMillis.sum() / 1000.0).append('\n');
    text.append(name).append("_count ").append(total).append('\n');
  }
}
