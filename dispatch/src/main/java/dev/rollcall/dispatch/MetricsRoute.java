package dev.rollcall.dispatch;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.presence.Presence;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.redis.RedisPubSub;
import dev.rollcall.pubsub.redis.RedisStats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /metrics}: Prometheus text exposition format 0.0.4. */
final class MetricsRoute implements HttpRoute {
  private final Supplier<Endpoint> endpoint;
  private final Presence presence;
  private final DispatchMetrics metrics;
  private final PubSub pubSub;

  MetricsRoute(
      Supplier<Endpoint> endpoint, Presence presence, DispatchMetrics metrics, PubSub pubSub) {
    this.endpoint = endpoint;
    this.presence = presence;
    this.metrics = metrics;
    this.pubSub = pubSub;
  }

  @Override
  public Response handle(Request request) {
    Endpoint.Stats stats = endpoint.get().stats();
    Map<String, Map<String, Object>> lobby = presence.list(NotificationsChannel.LOBBY);
    long presences =
        lobby.values().stream()
            .mapToLong(entry -> entry.get("metas") instanceof List<?> metas ? metas.size() : 0)
            .sum();
    var text = new StringBuilder();
    gauge(text, "rollcall_connections", "Open WebSocket connections.", stats.connections());
    gauge(text, "rollcall_channels", "Joined channels on this node.", stats.channels());
    gauge(text, "rollcall_heroes", "Heroes present in the lobby (cluster-wide).", lobby.size());
    gauge(
        text,
        "rollcall_presences",
        "Presence entries (metas) in the lobby (cluster-wide).",
        presences);
    counter(
        text, "rollcall_messages_in_total", "Frames received from clients.", stats.messagesIn());
    counter(text, "rollcall_messages_out_total", "Frames sent to clients.", stats.messagesOut());
    gauge(
        text,
        "rollcall_mailbox_queued",
        "Messages waiting in channel mailboxes (from clients and from the server).",
        stats.queuedMail());
    gauge(
        text,
        "rollcall_inbound_queued",
        "Client messages waiting in channel mailboxes.",
        stats.queuedInbound());
    gauge(
        text,
        "rollcall_sockets_paused",
        "Sockets not read because their channels are behind (maxQueuedInbound).",
        stats.pausedSockets());
    counter(
        text,
        "rollcall_dispatches_total",
        "Notifications sent by the internal service from this node.",
        metrics.dispatches());
    labelled(
        text,
        "rollcall_notifications_total",
        "Notifications sent by heroes, by kind.",
        "kind",
        metrics.notificationsByKind());
    labelled(
        text,
        "rollcall_notify_rejected_total",
        "Notify pushes refused, by reason.",
        "reason",
        metrics.rejectedByReason());
    gauge(
        text,
        "rollcall_dispatch_driving",
        "1 while this node drives dispatches (holds the dispatcher lease), else 0.",
        metrics.driving() ? 1 : 0);
    labelled(
        text,
        "rollcall_dispatch_outcomes_total",
        "Dispatch outcomes on the driving node (offered, accepted, declined, expired,"
            + " unassigned, resolved).",
        "outcome",
        metrics.dispatchOutcomes());
    metrics.reportToOffer.write(
        text,
        "rollcall_dispatch_report_to_offer_seconds",
        "From an incident's report to its first offer, on the driving node.");
    metrics.offerToAccept.write(
        text,
        "rollcall_dispatch_offer_to_accept_seconds",
        "From an offer to its acceptance, on the driving node.");
    if (pubSub instanceof RedisPubSub redis) {
      redis(text, redis.stats());
    }
    return new Response(
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void redis(StringBuilder text, RedisStats stats) {
    counter(text, "rollcall_redis_published_total", "Messages Redis accepted.", stats.published());
    counter(
        text,
        "rollcall_redis_publish_failed_total",
        "Messages not sent because Redis was down (other nodes missed them).",
        stats.publishFailed());
    counter(
        text,
        "rollcall_redis_received_total",
        "Messages received from Redis, own echoes and dropped ones included.",
        stats.received());
    labelled(
        text,
        "rollcall_redis_dropped_total",
        "Messages from Redis dropped as bad input, by reason.",
        "reason",
        stats.droppedByLabel());
  }

  private static void gauge(StringBuilder text, String name, String help, long value) {
    header(text, name, help, "gauge");
    text.append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder text, String name, String help, long value) {
    header(text, name, help, "counter");
    text.append(name).append(' ').append(value).append('\n');
  }

  private static void labelled(
      StringBuilder text, String name, String help, String label, Map<String, Long> values) {
    header(text, name, help, "counter");
    values.forEach(
        (key, value) ->
            text.append(name)
                .append('{')
                .append(label)
                .append("=\"")
                .append(key)
                .append("\"} ")
                .append(value)
                .append('\n'));
  }

  private static void header(StringBuilder text, String name, String help, String type) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
