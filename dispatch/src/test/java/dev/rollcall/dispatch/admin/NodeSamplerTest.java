package dev.rollcall.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node's figures come from the meters /metrics serves, and rates from their counters. */
class NodeSamplerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong in = new AtomicLong();
  private final AtomicLong out = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(42_000), ZoneOffset.UTC);

  private NodeSampler sampler() {
    FunctionCounter.builder("rollcall.messages.in", in, AtomicLong::get).register(registry);
    FunctionCounter.builder("rollcall.messages.out", out, AtomicLong::get).register(registry);
    Gauge.builder("rollcall.connections", connections, AtomicLong::get).register(registry);
    Gauge.builder("rollcall.channels", connections, c -> c.get() * 2).register(registry);
    return new NodeSampler("n1", registry, () -> "up", clock, nanos::get);
  }

  @Test
  void ratesAreTheCountersIncreaseOverTheTimeSinceTheLastSample() {
    NodeSampler sampler = sampler();
    in.set(100);
    out.set(1000);
    NodeStats first = sampler.sample();
    assertThat(first.messagesInPerSecond()).as("nothing to compare with yet").isZero();

    in.addAndGet(50);
    out.addAndGet(400);
    connections.set(3);
    nanos.addAndGet(2_000_000_000L);
    NodeStats second = sampler.sample();

    assertThat(second.messagesInPerSecond()).isEqualTo(25.0);
    assertThat(second.messagesOutPerSecond()).isEqualTo(200.0);
    assertThat(second.connections()).isEqualTo(3);
    assertThat(second.channels()).isEqualTo(6);
    assertThat(second.node()).isEqualTo("n1");
    assertThat(second.at()).isEqualTo(42_000);
    assertThat(second.redis()).isEqualTo("up");
    assertThat(second.heapUsed()).isPositive();
    assertThat(second.uptimeMillis()).isPositive();
  }

  @Test
  void withoutTheEndpointsMetersTheFiguresAreZero() {
    var bare =
        new NodeSampler("n1", new SimpleMeterRegistry(), () -> "disabled", clock, nanos::get);
    bare.sample();
    nanos.addAndGet(1_000_000_000L);
    NodeStats stats = bare.sample();
    assertThat(stats.connections()).isZero();
    assertThat(stats.messagesInPerSecond()).isZero();
  }

  @Test
  void figuresCrossTheClusterAsJsonAndComeBackTheSame() {
    var stats = new NodeStats("n1", 1, 2, 3, 4, 5, 6, 7.5, 8.25, "down");
    // As Jackson reads them back on another node: small numbers as Integer.
    Map<String, Object> decoded =
        Map.of(
            "node",
            "n1",
            "at",
            1,
            "connections",
            2,
            "channels",
            3,
            "heap_used",
            4,
            "heap_max",
            5,
            "uptime_ms",
            6,
            "messages_in_per_s",
            7.5,
            "messages_out_per_s",
            8.25,
            "redis",
            "down");
    assertThat(NodeStats.fromWire(stats.toWire())).contains(stats);
    assertThat(NodeStats.fromWire(decoded)).contains(stats);
  }

  @Test
  void malformedFiguresAreDropped() {
    assertThat(NodeStats.fromWire("nope")).isEqualTo(Optional.empty());
    assertThat(NodeStats.fromWire(Map.of("node", "n1", "redis", "up"))).isEmpty();
    var wire = new java.util.HashMap<>(new NodeStats("n1", 1, 2, 3, 4, 5, 6, 7, 8, "up").toWire());
    wire.put("connections", "many");
    assertThat(NodeStats.fromWire(wire)).isEmpty();
    wire.put("connections", 2);
    wire.put("node", "");
    assertThat(NodeStats.fromWire(wire)).isEmpty();
  }
}
