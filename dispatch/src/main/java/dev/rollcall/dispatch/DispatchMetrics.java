package dev.rollcall.dispatch;

import dev.rollcall.dispatch.offers.DispatchEffect;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the dispatch application itself; the endpoint counts connections and frames. */
public final class DispatchMetrics {
  // Thread-safe: counters are LongAdders, incremented from channel callbacks and the service.
  private final LongAdder dispatches = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> notifications = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  final LatencyHistogram reportToOffer = new LatencyHistogram();
  private volatile java.util.function.BooleanSupplier driving = () -> false;
  final LatencyHistogram offerToAccept = new LatencyHistogram();

  /** One outcome of the dispatch driver on this node, with its latency where it has one. */
  public void counted(DispatchEffect.Counted counted) {
    outcomes
        .computeIfAbsent(counted.outcome().name().toLowerCase(Locale.ROOT), k -> new LongAdder())
        .increment();
    if (counted.latencyMillis() >= 0) {
      switch (counted.outcome()) {
        case OFFERED -> reportToOffer.observe(counted.latencyMillis());
        case ACCEPTED -> offerToAccept.observe(counted.latencyMillis());
        default -> {}
      }
    }
  }

  /** Where to ask whether this node drives dispatches right now. */
  void drivingBy(java.util.function.BooleanSupplier driving) {
    this.driving = driving;
  }

  boolean driving() {
    return driving.getAsBoolean();
  }

  Map<String, Long> dispatchOutcomes() {
    return snapshot(outcomes);
  }

  /** One notification sent by a hero ({@code all}, {@code others}, {@code direct}). */
  void notified(String kind) {
    notifications.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  void rejected(String reason) {
    rejected.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** One notification sent by the internal service. */
  void dispatched() {
    dispatches.increment();
  }

  public long dispatches() {
    return dispatches.sum();
  }

  Map<String, Long> notificationsByKind() {
    return snapshot(notifications);
  }

  Map<String, Long> rejectedByReason() {
    return snapshot(rejected);
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> sorted = new TreeMap<>();
    counters.forEach((key, counter) -> sorted.put(key, counter.sum()));
    return sorted;
  }
}
