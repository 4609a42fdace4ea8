package dev.rollcall.dispatch;

import dev.rollcall.channels.EndpointObserver;
import dev.rollcall.presence.TrackerObserver;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.redis.RedisPubSub;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The libraries' timings as Micrometer timers with Prometheus histograms ({@code _bucket} series):
 * join, reply and delivery from the endpoint, publish lag from Redis, heartbeat and merge from the
 * tracker. docs/operations.md defines what each one measures. Thread-safe: timers are.
 */
final class LatencyHistograms implements EndpointObserver, TrackerObserver {
  private final Timer join;
  private final Timer reply;
  private final Timer delivery;
  private final Timer publishLag;
  private final Timer heartbeat;
  private final Timer merge;

  LatencyHistograms(MeterRegistry registry) {
    join =
        histogram(
            registry,
            "rollcall.join.latency",
            "From a phx_join frame read to its reply queued on the connection.");
    reply =
        histogram(
            registry,
            "rollcall.reply.latency",
            "From a client push read to its channel's reply queued on the connection.");
    delivery =
        histogram(
            registry,
            "rollcall.delivery.latency",
            "From a broadcast handed to this node's subscribers to its frame queued on one"
                + " subscriber's connection.");
    publishLag =
        histogram(
            registry,
            "rollcall.redis.publish.lag",
            "From a broadcast queued for Redis PUBLISH to its copy received back from Redis"
                + " (sampled: one broadcast at a time).");
    heartbeat =
        histogram(
            registry,
            "rollcall.tracker.heartbeat",
            "Time the presence tracker takes for one heartbeat.");
    merge =
        histogram(
            registry,
            "rollcall.tracker.merge",
            "Time the presence tracker takes to merge one peer delta or transfer.");
  }

  /** Buckets from 10 µs to 10 s: from an in-memory merge to a reply behind a stalled Redis. */
  private static Timer histogram(MeterRegistry registry, String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  /** Hears {@code pubSub}'s publish lag if it goes through Redis (a single node has none). */
  void listenTo(PubSub pubSub) {
    if (pubSub instanceof RedisPubSub redis) {
      redis.addPublishLagListener(nanos -> publishLag.record(nanos, TimeUnit.NANOSECONDS));
    }
  }

  @Override
  public void joined(long nanos) {
    join.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void replied(long nanos) {
    reply.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void delivered(long nanos) {
    delivery.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void heartbeat(long nanos) {
    heartbeat.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void merged(long nanos) {
    merge.record(nanos, TimeUnit.NANOSECONDS);
  }
}
