package dev.rollcall.dispatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.Reply;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresencePage;
import dev.rollcall.pubsub.PubSub;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operators' HTTP API under {@code /api} (docs/operations.md): broadcast, presence pages,
 * incidents, hero disconnects and its OpenAPI description. Every call carries {@code Authorization:
 * Bearer <api key>}; with no key configured the API does not exist (404). Stateless and
 * thread-safe: each request runs on its own virtual thread.
 */
public final class ApiRoute implements HttpRoute {
  private static final ObjectMapper json = new ObjectMapper();
  private static final String JSON = "application/json";

  /** Who a dispatch reported through the API is reported by, as a page's hero name would be. */
  public static final String REPORTER = "operations";

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final byte[] keyDigest;
  private final PubSub pubSub;
  private final Presence presence;
  private final String lobby;
  private final Incidents incidents;
  private final HeroDisconnects disconnects;
  private final byte[] openApi;

  /** Reports an incident exactly as a page's {@code report_incident} push does. */
  @FunctionalInterface
  public interface Incidents {
    /** The reply the page would get; {@code reporter} stands for the caller. */
    Reply report(Object body, String reporter);
  }

  /**
   * @param apiKey the key callers must present, or null for no API
   */
  public ApiRoute(
      String apiKey,
      PubSub pubSub,
      Presence presence,
      String lobby,
      Incidents incidents,
      HeroDisconnects disconnects) {
    this.keyDigest = apiKey == null ? null : sha256(apiKey);
    this.pubSub = pubSub;
    this.presence = presence;
    this.lobby = lobby;
    this.incidents = incidents;
    this.disconnects = disconnects;
    this.openApi = openApiDocument();
  }

  /** {@inheritDoc} The path arrives decoded: a hero's name is matched as written. */
  @Override
  public Response handle(Request request) throws Exception {
    if (keyDigest == null) {
      return error(404, "not_found");
    }
    if (request.method().equals("OPTIONS")) {
      return new Response(204, null, new byte[0]);
    }
    String authorization = request.headers().get("authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return error(401, "missing_api_key");
    }
    // Digests first: equal lengths, so the comparison takes the same time for every wrong key.
    if (!MessageDigest.isEqual(
        keyDigest, sha256(authorization.substring("Bearer ".length()).trim()))) {
      return error(403, "invalid_api_key");
    }
    String path = request.path();
    String method = request.method();
    if (path.equals("/api/broadcast")) {
      return method.equals("POST") ? broadcast(request) : notAllowed();
    }
    if (path.equals("/api/incidents")) {
      return method.equals("POST") ? incident(request) : notAllowed();
    }
    if (path.equals("/api/openapi.json")) {
      return method.equals("GET") ? new Response(200, JSON, openApi) : notAllowed();
    }
    if (path.startsWith("/api/presence/") && path.length() > "/api/presence/".length()) {
      return method.equals("GET")
          ? presencePage(path.substring("/api/presence/".length()), request)
          : notAllowed();
    }
    if (path.startsWith("/api/heroes/") && path.length() > "/api/heroes/".length()) {
      return method.equals("DELETE")
          ? disconnect(path.substring("/api/heroes/".length()))
          : notAllowed();
    }
    return error(404, "not_found");
  }

  private Response broadcast(Request request) throws JsonProcessingException {
    if (!(parse(request) instanceof Map<?, ?> body)) {
      return error(400, "invalid_json");
    }
    if (!(body.get("topic") instanceof String topic) || topic.isBlank()) {
      return error(400, "invalid_topic");
    }
    if (!(body.get("event") instanceof String event) || event.isBlank()) {
      return error(400, "invalid_event");
    }
    if (!(body.get("payload") instanceof Map<?, ?> payload)) {
      return error(400, "invalid_payload");
    }
    pubSub.broadcast(topic, new Broadcast(topic, event, payload));
    return ok(202, Map.of());
  }

  private Response incident(Request request) throws JsonProcessingException {
    Object body = parse(request);
    if (body == NOT_JSON) {
      return error(400, "invalid_json");
    }
    Reply reply = incidents.report(body, REPORTER);
    if (reply instanceof Reply.Status status && status.status().equals("ok")) {
      return ok(201, status.response());
    }
    String reason =
        reply instanceof Reply.Status status
                && status.response() instanceof Map<?, ?> response
                && response.get("reason") instanceof String r
            ? r
            : "refused";
    // The desk refuses a bad body itself; anything else is the driver not answering in time.
    boolean badBody = reason.equals("invalid_body") || reason.equals("body_too_long");
    return error(badBody ? 400 : 503, reason);
  }

  private Response presencePage(String topic, Request request) throws JsonProcessingException {
    int limit = DEFAULT_LIMIT;
    String given = request.query().get("limit");
    if (given != null) {
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        return error(400, "invalid_limit");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        return error(400, "invalid_limit");
      }
    }
    String after = request.query().get("after");
    // Keys in order and a cursor that is a key, not an offset: a page never repeats or skips a key
    // present throughout, however many others come and go between pages (Presence#page).
    PresencePage found = presence.page(topic, PresencePage.Query.first(limit).after(after));
    List<Object> entries = new ArrayList<>(found.entries().size());
    for (PresencePage.Entry entry : found.entries()) {
      Map<String, Object> shown = new LinkedHashMap<>();
      shown.put("key", entry.key());
      shown.put("metas", entry.metas());
      entries.add(shown);
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("count", presence.count(topic).count());
    page.put("entries", entries);
    page.put("next", found.next());
    return ok(200, page);
  }

  private Response disconnect(String hero) throws JsonProcessingException {
    Map<String, Object> entry = presence.get(lobby, hero);
    if (!(entry.get("metas") instanceof List<?> metas) || metas.isEmpty()) {
      return error(404, "hero_not_present");
    }
    disconnects.request(hero);
    // Every meta is one lobby join, one socket: the sockets that every node is asked to close.
    return ok(202, Map.of("disconnected", metas.size()));
  }

  private static final Object NOT_JSON = new Object();

  private static Object parse(Request request) {
    try {
      Object value = json.readValue(request.body(), Object.class);
      return value == null ? NOT_JSON : value;
    } catch (IOException e) {
      return NOT_JSON;
    }
  }

  private static Response notAllowed() throws JsonProcessingException {
    return error(405, "method_not_allowed");
  }

  private static Response ok(int status, Object body) throws JsonProcessingException {
    return new Response(status, JSON, json.writeValueAsBytes(body));
  }

  static Response error(int status, String reason) throws JsonProcessingException {
    return new Response(status, JSON, json.writeValueAsBytes(Map.of("error", reason)));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The OpenAPI 3.1 description, a resource beside this class. */
  static byte[] openApiDocument() {
    try (InputStream in = ApiRoute.class.getResourceAsStream("/api/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("api/openapi.json is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
