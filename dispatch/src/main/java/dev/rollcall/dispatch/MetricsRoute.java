package dev.rollcall.dispatch;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.presence.Presence;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.redis.RedisPubSub;
import dev.rollcall.pubsub.redis.RedisStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the node's Micrometer registry in Prometheus text format 0.0.4: JVM,
 * process, Netty's allocator and Rollcall's meters (docs/operations.md lists them). Thread-safe:
 * meters read live figures at scrape time; labelled counters are registered the first time their
 * label is seen.
 */
final class MetricsRoute implements HttpRoute {
  private final PrometheusMeterRegistry registry;
  private final DispatchMetrics metrics;
  private final Set<String> labelled = ConcurrentHashMap.newKeySet();
  private final Supplier<RedisStats> redisStats;

  /** Held so that its GC notification listener lives as long as the registry. */
  private final JvmGcMetrics gc = new JvmGcMetrics();

  MetricsRoute(
      PrometheusMeterRegistry registry,
      Supplier<Endpoint> endpoint,
      Presence presence,
      DispatchMetrics metrics,
      PubSub pubSub) {
    this.registry = registry;
    this.metrics = metrics;
    this.redisStats = pubSub instanceof RedisPubSub redis ? redis::stats : null;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);

    ToDoubleFunction<Function<Endpoint.Stats, Long>> stat =
        figure -> figure.apply(endpoint.get().stats());
    gauge("rollcall.connections", "Open WebSocket connections.", Endpoint.Stats::connections, stat);
    gauge("rollcall.channels", "Joined channels on this node.", Endpoint.Stats::channels, stat);
    gauge(
        "rollcall.mailbox.queued",
        "Messages waiting in channel mailboxes (from clients and from the server).",
        Endpoint.Stats::queuedMail,
        stat);
    gauge(
        "rollcall.inbound.queued",
        "Client messages waiting in channel mailboxes.",
        Endpoint.Stats::queuedInbound,
        stat);
    gauge(
        "rollcall.sockets.paused",
        "Sockets not read because their channels are behind (maxQueuedInbound).",
        Endpoint.Stats::pausedSockets,
        stat);
    FunctionCounter.builder("rollcall.messages.in", endpoint, e -> e.get().stats().messagesIn())
        .description("Frames received from clients.")
        .register(registry);
    FunctionCounter.builder("rollcall.messages.out", endpoint, e -> e.get().stats().messagesOut())
        .description("Frames sent to clients.")
        .register(registry);
    Gauge.builder("rollcall.heroes", presence, p -> p.list(NotificationsChannel.LOBBY).size())
        .description("Heroes present in the lobby (cluster-wide).")
        .register(registry);
    Gauge.builder("rollcall.presences", presence, MetricsRoute::presences)
        .description("Presence entries (metas) in the lobby (cluster-wide).")
        .register(registry);
    FunctionCounter.builder("rollcall.dispatches", metrics, DispatchMetrics::dispatches)
        .description("Notifications sent by the internal service from this node.")
        .register(registry);
    Gauge.builder("rollcall.dispatch.driving", metrics, m -> m.driving() ? 1 : 0)
        .description("1 while this node drives dispatches (holds the dispatcher lease), else 0.")
        .register(registry);
    if (redisStats != null) {
      FunctionCounter.builder("rollcall.redis.published", redisStats, s -> s.get().published())
          .description("Messages Redis accepted.")
          .register(registry);
      FunctionCounter.builder(
              "rollcall.redis.publish.failed", redisStats, s -> s.get().publishFailed())
          .description("Messages not sent because Redis was down (other nodes missed them).")
          .register(registry);
      FunctionCounter.builder("rollcall.redis.received", redisStats, s -> s.get().received())
          .description("Messages received from Redis, own echoes and dropped ones included.")
          .register(registry);
    }
  }

  private void gauge(
      String name,
      String description,
      Function<Endpoint.Stats, Long> figure,
      ToDoubleFunction<Function<Endpoint.Stats, Long>> stat) {
    Gauge.builder(name, figure, stat).description(description).register(registry);
  }

  private static double presences(Presence presence) {
    return presence.list(NotificationsChannel.LOBBY).values().stream()
        .mapToLong(entry -> entry.get("metas") instanceof List<?> metas ? metas.size() : 0)
        .sum();
  }

  @Override
  public Response handle(Request request) {
    registerLabels();
    return new Response(
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape().getBytes(StandardCharsets.UTF_8));
  }

  /** Counters by kind, reason or outcome exist once their first label value has been counted. */
  private void registerLabels() {
    labels(
        "rollcall.notifications",
        "Notifications sent by heroes, by kind.",
        "kind",
        m -> m.notificationsByKind());
    labels(
        "rollcall.notify.rejected",
        "Notify pushes refused, by reason.",
        "reason",
        m -> m.rejectedByReason());
    labels(
        "rollcall.dispatch.outcomes",
        "Dispatch outcomes on the driving node (offered, accepted, declined, expired,"
            + " unassigned, resolved).",
        "outcome",
        m -> m.dispatchOutcomes());
    if (redisStats != null) {
      for (String reason : redisStats.get().droppedByLabel().keySet()) {
        if (labelled.add("rollcall.redis.dropped/" + reason)) {
          FunctionCounter.builder(
                  "rollcall.redis.dropped",
                  redisStats,
                  s -> s.get().droppedByLabel().getOrDefault(reason, 0L))
              .description("Messages from Redis dropped as bad input, by reason.")
              .tag("reason", reason)
              .register(registry);
        }
      }
    }
  }

  private void labels(
      String name,
      String description,
      String tag,
      Function<DispatchMetrics, Map<String, Long>> counts) {
    for (String value : counts.apply(metrics).keySet()) {
      if (labelled.add(name + "/" + value)) {
        FunctionCounter.builder(
                name, metrics, m -> counts.apply(m).getOrDefault(value, 0L).doubleValue())
            .description(description)
            .tag(tag, value)
            .register(registry);
      }
    }
  }
}
