package dev.rollcall.dispatch.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Samples this node's figures from the meters {@code /metrics} already serves ({@code
 * rollcall.connections}, {@code rollcall.channels}, {@code rollcall.messages.in} and {@code .out}),
 * so nothing is counted twice, and turns the message counters into rates over the time since the
 * previous sample. Threading: one sampling thread (the dashboard's).
 */
public final class NodeSampler {
  private final String node;
  private final MeterRegistry registry;
  private final Supplier<String> redis;
  private final Clock clock;
  private final LongSupplier nanoTime;

  private long lastNanos;
  private double lastIn = Double.NaN;
  private double lastOut = Double.NaN;

  /**
   * @param registry where the endpoint's meters are registered (by {@code MetricsRoute})
   * @param redis this node's Redis state: {@code up}, {@code down} or {@code disabled}
   */
  public NodeSampler(
      String node,
      MeterRegistry registry,
      Supplier<String> redis,
      Clock clock,
      LongSupplier nanoTime) {
    this.node = node;
    this.registry = registry;
    this.redis = redis;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** The figures now; the first sample's rates are zero (there is nothing to compare with). */
  public NodeStats sample() {
    long now = nanoTime.getAsLong();
    double in = counter("rollcall.messages.in");
    double out = counter("rollcall.messages.out");
    double seconds = (now - lastNanos) / 1e9;
    double inRate = rate(lastIn, in, seconds);
    double outRate = rate(lastOut, out, seconds);
    lastNanos = now;
    lastIn = in;
    lastOut = out;
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new NodeStats(
        node,
        clock.millis(),
        (long) gauge("rollcall.connections"),
        (long) gauge("rollcall.channels"),
        heap.getUsed(),
        heap.getMax(),
        ManagementFactory.getRuntimeMXBean().getUptime(),
        inRate,
        outRate,
        redis.get());
  }

  private static double rate(double before, double now, double seconds) {
    if (Double.isNaN(before) || seconds <= 0 || now < before) {
      return 0;
    }
    return (now - before) / seconds;
  }

  private double gauge(String name) {
    Gauge gauge = registry.find(name).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private double counter(String name) {
    FunctionCounter counter = registry.find(name).functionCounter();
    return counter == null ? 0 : counter.count();
  }
}
