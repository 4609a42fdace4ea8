package dev.rollcall.dispatch;

import dev.rollcall.dispatch.offers.DispatchEffect;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;

/** Counters of the dispatch application itself; the endpoint counts connections and frames. */
public final class DispatchMetrics {
  // Thread-safe: counters are LongAdders, incremented from channel callbacks and the service.
  private final LongAdder dispatches = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> notifications = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Timer reportToOffer;
  private volatile java.util.function.BooleanSupplier driving = () -> false;
  private final Timer offerToAccept;

  /** Latencies kept in a registry of their own (tests, tools). */
  public DispatchMetrics() {
    this(new SimpleMeterRegistry());
  }

  /** Latencies recorded as histograms in {@code registry}, scraped at {@code /metrics}. */
  public DispatchMetrics(MeterRegistry registry) {
    reportToOffer =
        latency(
            registry,
            "rollcall.dispatch.report.to.offer",
            "From an incident's report to its first offer, on the driving node.");
    offerToAccept =
        latency(
            registry,
            "rollcall.dispatch.offer.to.accept",
            "From an offer to its acceptance, on the driving node.");
  }

  /** Buckets from 1 ms to 30 s, the span of a person answering an offer. */
  static Timer latency(MeterRegistry registry, String name, String description) {
    return Timer.builder(name)
        .description(description)
        .serviceLevelObjectives(
            LongStream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
                .mapToObj(Duration::ofMillis)
                .toArray(Duration[]::new))
        .register(registry);
  }

  /** One outcome of the dispatch driver on this node, with its latency where it has one. */
  public void counted(DispatchEffect.Counted counted) {
    outcomes
        .computeIfAbsent(counted.outcome().name().toLowerCase(Locale.ROOT), k -> new LongAdder())
        .increment();
    if (counted.latencyMillis() >= 0) {
      switch (counted.outcome()) {
        case OFFERED -> reportToOffer.record(Duration.ofMillis(counted.latencyMillis()));
        case ACCEPTED -> offerToAccept.record(Duration.ofMillis(counted.latencyMillis()));
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
