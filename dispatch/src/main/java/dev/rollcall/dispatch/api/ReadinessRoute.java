package dev.rollcall.dispatch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.channels.HttpRoute;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /readyz}: 200 only while this node serves and, in a cluster, has been connected to
 * Redis long enough for its presence to be synchronized with its peers (two tracker heartbeats
 * since Redis came back: every peer's state has reached it); 503 with the reason otherwise ({@code
 * draining}, {@code redis_down}, {@code synchronizing}). {@code /healthz} stays liveness.
 * Thread-safe: Redis changes arrive on the connector thread, requests on virtual threads.
 */
public final class ReadinessRoute implements HttpRoute {
  private static final ObjectMapper json = new ObjectMapper();

  private final String node;
  private final boolean clustered;
  private final BooleanSupplier draining;
  private final Duration synchronization;
  private final Clock clock;

  /** When Redis last came up; null while it is down (always null when not clustered). */
  private volatile Instant redisUpSince;

  /**
   * @param synchronization how long after Redis comes up the node counts as synchronized
   */
  public ReadinessRoute(
      String node,
      boolean clustered,
      BooleanSupplier draining,
      Duration synchronization,
      Clock clock) {
    this.node = node;
    this.clustered = clustered;
    this.draining = draining;
    this.synchronization = synchronization;
    this.clock = clock;
  }

  /** Called at every change of the Redis connection. */
  public void redisChanged(boolean up) {
    redisUpSince = up ? clock.instant() : null;
  }

  /** Null when ready, else why not. */
  String notReadyBecause() {
    if (draining.getAsBoolean()) {
      return "draining";
    }
    if (!clustered) {
      return null;
    }
    Instant since = redisUpSince;
    if (since == null) {
      return "redis_down";
    }
    return since.plus(synchronization).isAfter(clock.instant()) ? "synchronizing" : null;
  }

  @Override
  public Response handle(Request request) throws Exception {
    String reason = notReadyBecause();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", reason == null ? "ready" : "not_ready");
    body.put("node", node);
    if (reason != null) {
      body.put("reason", reason);
    }
    return new Response(
        reason == null ? 200 : 503, "application/json", json.writeValueAsBytes(body));
  }
}
