package dev.rollcall.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.channels.HttpRoute;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /healthz}: 200 {@code {"status":"ok","node":...,"redis":...}} while serving, 503 with
 * {@code "status":"stopping"} once shutdown began, so a load balancer drains this node first.
 */
final class HealthRoute implements HttpRoute {
  private static final ObjectMapper json = new ObjectMapper();

  private final String node;
  private final Supplier<String> redisState;
  private final BooleanSupplier stopping;

  HealthRoute(String node, Supplier<String> redisState, BooleanSupplier stopping) {
    this.node = node;
    this.redisState = redisState;
    this.stopping = stopping;
  }

  @Override
  public Response handle(Request request) throws Exception {
    boolean down = stopping.getAsBoolean();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", down ? "stopping" : "ok");
    body.put("node", node);
    body.put("redis", redisState.get());
    return new Response(down ? 503 : 200, "application/json", json.writeValueAsBytes(body));
  }
}
