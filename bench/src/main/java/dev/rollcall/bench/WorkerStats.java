package dev.rollcall.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** The live counters of one worker; written from its event loops, read by its driver thread. */
final class WorkerStats {
  final AtomicInteger attempted = new AtomicInteger();
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger joined = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final LongAdder sent = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final AtomicInteger drops = new AtomicInteger();
  final AtomicInteger reconnects = new AtomicInteger();
  final LongAdder undecodable = new LongAdder();
  final AtomicInteger rostersComplete = new AtomicInteger();

  /** --burst: earliest send time and latest arrival among measured deliveries (0: none). */
  final AtomicLong firstSentNanos = new AtomicLong();

  final AtomicLong lastDeliveredNanos = new AtomicLong();
  private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  final Histogram joinMicros = histogram();
  final Histogram deliveryMicros = histogram();
  final Histogram rosterMillis = histogram();
  final Histogram presenceFrames = histogram();

  private static Histogram histogram() {
    var histogram = new ConcurrentHistogram(3);
    histogram.setAutoResize(true);
    return histogram;
  }

  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  int errorCount() {
    return errors.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** The one-line progress of this worker, as a JSON object (parents sum them). */
  Map<String, Object> progress() {
    return Map.of(
        "attempted", attempted.get(),
        "connected", connected.get(),
        "joined", joined.get(),
        "errors", errorCount(),
        "delivered", delivered.sum(),
        "rosters", rostersComplete.get());
  }

  /** Records a measured burst delivery (event loop threads). */
  void burstDelivery(long sentAt, long now) {
    firstSentNanos.accumulateAndGet(sentAt, (a, b) -> a == 0 || b - a < 0 ? b : a);
    lastDeliveredNanos.accumulateAndGet(now, (a, b) -> a == 0 || b - a > 0 ? b : a);
  }

  /** The measured time of a burst, from the first send to the last delivery, or 0. */
  double burstSeconds() {
    long first = firstSentNanos.get();
    long last = lastDeliveredNanos.get();
    return first == 0 || last == 0 ? 0 : (last - first) / 1e9;
  }

  WorkerReport report(double measuredSeconds) {
    Map<String, Integer> errorCounts = new TreeMap<>();
    errors.forEach((kind, count) -> errorCounts.put(kind, count.get()));
    return new WorkerReport(
        attempted.get(),
        connected.get(),
        joined.get(),
        sent.sum(),
        delivered.sum(),
        drops.get(),
        reconnects.get(),
        undecodable.sum(),
        rostersComplete.get(),
        measuredSeconds,
        firstSentNanos.get(),
        lastDeliveredNanos.get(),
        errorCounts,
        WorkerReport.encode(joinMicros),
        WorkerReport.encode(deliveryMicros),
        WorkerReport.encode(rosterMillis),
        WorkerReport.encode(presenceFrames));
  }
}
