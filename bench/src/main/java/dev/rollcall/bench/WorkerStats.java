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

  /** Joined heroes still connected (joins, rejoins included, minus drops of joined heroes). */
  final AtomicInteger present = new AtomicInteger();

  final LongAdder sent = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final AtomicInteger drops = new AtomicInteger();
  final AtomicInteger reconnects = new AtomicInteger();
  final LongAdder undecodable = new LongAdder();
  final AtomicInteger rostersComplete = new AtomicInteger();

  /** --burst: earliest send time and latest arrival among measured deliveries (0: none). */
  final AtomicLong firstSentNanos = new AtomicLong();

  final AtomicLong lastDeliveredNanos = new AtomicLong();

  /** Grow: WebSocket text payload bytes received by all of this worker's heroes. */
  final LongAdder bytesReceived = new LongAdder();

  /** Grow: presence_state and presence_diff frames, and presence_count frames, received. */
  final LongAdder fullPresenceFrames = new LongAdder();

  final LongAdder countFrames = new LongAdder();

  /** Grow: heroes whose latest presence_count equals the heroes asked for. */
  final AtomicInteger countsExact = new AtomicInteger();

  /** Grow: when a hero's count last became exact, and when the last join completed (0: never). */
  final AtomicLong lastExactNanos = new AtomicLong();

  final AtomicLong lastJoinNanos = new AtomicLong();
  private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  final Histogram joinMicros = histogram();
  final Histogram deliveryMicros = histogram();
  final Histogram rosterMillis = histogram();
  final Histogram presenceFrames = histogram();

  /** Grow: when each join completed, in ms since the run's origin (windows of joins/s). */
  final Histogram joinedAtMillis = histogram();

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
        "rosters", rostersComplete.get(),
        "present", present.get());
  }

  /** Records a measured burst delivery (event loop threads). */
  void burstDelivery(long sentAt, long now) {
    firstSentNanos.accumulateAndGet(sentAt, (a, b) -> a == 0 || b - a < 0 ? b : a);
    lastDeliveredNanos.accumulateAndGet(now, WorkerStats::later);
  }

  /** Records a completed join (event loop threads); {@code origin} is the run's start. */
  void joinedAt(long now, long origin) {
    lastJoinNanos.accumulateAndGet(now, WorkerStats::later);
    joinedAtMillis.recordValue(Math.max(0, (now - origin) / 1_000_000));
  }

  /** The later of two nanoTimes, 0 meaning none (nanoTime may be negative; compare differences). */
  static long later(long a, long b) {
    if (b == 0) {
      return a;
    }
    return a == 0 || b - a > 0 ? b : a;
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
        WorkerReport.encode(presenceFrames),
        bytesReceived.sum(),
        fullPresenceFrames.sum(),
        countFrames.sum(),
        countsExact.get(),
        lastExactNanos.get(),
        lastJoinNanos.get(),
        WorkerReport.encode(joinedAtMillis));
  }
}
