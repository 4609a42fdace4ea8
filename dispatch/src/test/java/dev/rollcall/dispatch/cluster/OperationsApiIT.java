package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operators' HTTP API with real HTTP against launcher JVMs on a real Redis: every route and
 * every error status on one node, the OpenAPI document walked against the routes, and the
 * cross-node rows (broadcast, presence paging, disconnect) on three.
 */
class OperationsApiIT {
  private static final String KEY = "operations-test-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private RedisServerProcess redis;
  private PhoenixClient client;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<Hero> heroes = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
    client = new PhoenixClient(ClientConfig.defaults().withEventLoopThreads(1));
  }

  @AfterEach
  void stopEverything() {
    heroes.forEach(Hero::close);
    for (ClusterNode node : nodes) {
      node.close();
      String log = node.log();
      System.out.println(
          "---- " + node + " ----\n" + log.substring(Math.max(0, log.length() - 4000)));
    }
    client.close();
    redis.close();
  }

  private List<ClusterNode> start(String... names) {
    List<CompletableFuture<ClusterNode>> starting = new ArrayList<>();
    for (String name : names) {
      starting.add(
          CompletableFuture.supplyAsync(
              () -> ClusterNode.start(name, redis.uri(), "1h", "--api-key", KEY)));
    }
    List<ClusterNode> started = starting.stream().map(CompletableFuture::join).toList();
    nodes.addAll(started);
    // An incident needs the dispatch driver, which starts once a node holds the dispatcher lease.
    await("a node driving dispatches")
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(
            () -> {
              for (ClusterNode node : started) {
                if (node.metric("rollcall_dispatch_driving") == 1) {
                  return true;
                }
              }
              return false;
            });
    return started;
  }

  private Hero hero(ClusterNode node) throws Exception {
    var token = call(node, "GET", "/api/token", null, null);
    assertThat(token.status()).isEqualTo(200);
    Hero hero = Hero.join(client, node, (String) token.json().get("token"));
    heroes.add(hero);
    return hero;
  }

  record Answer(int status, String contentType, String body) {
    Map<String, Object> json() throws Exception {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = JSON.readValue(body, Map.class);
      return map;
    }
  }

  private static Answer call(ClusterNode node, String method, String path, String key, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("content-type").orElse(""),
        response.body());
  }

  private static Answer api(ClusterNode node, String method, String path, String body)
      throws Exception {
    return call(node, method, path, KEY, body);
  }

  private static void assertError(Answer answer, int status, String reason) throws Exception {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.json()).isEqualTo(Map.of("error", reason));
  }

  @Test
  void everyErrorStatusCarriesAJsonReason() throws Exception {
    ClusterNode node = start("solo").getFirst();
    String broadcast = "{\"topic\":\"t\",\"event\":\"e\",\"payload\":{}}";

    assertError(call(node, "POST", "/api/broadcast", null, broadcast), 401, "missing_api_key");
    assertError(
        call(node, "POST", "/api/broadcast", "not-the-key-at-all", broadcast),
        403,
        "invalid_api_key");
    assertError(api(node, "GET", "/api/nothing-here", null), 404, "not_found");
    assertError(api(node, "GET", "/api/broadcast", null), 405, "method_not_allowed");
    assertError(api(node, "PUT", "/api/incidents", "{}"), 405, "method_not_allowed");
    assertError(api(node, "POST", "/api/broadcast", "{not json"), 400, "invalid_json");
    assertError(api(node, "POST", "/api/broadcast", "[1]"), 400, "invalid_json");
    assertError(
        api(node, "POST", "/api/broadcast", "{\"event\":\"e\",\"payload\":{}}"),
        400,
        "invalid_topic");
    assertError(
        api(node, "POST", "/api/broadcast", "{\"topic\":\"t\",\"event\":3,\"payload\":{}}"),
        400,
        "invalid_event");
    assertError(
        api(node, "POST", "/api/broadcast", "{\"topic\":\"t\",\"event\":\"e\",\"payload\":[]}"),
        400,
        "invalid_payload");
    String big =
        "{\"topic\":\"t\",\"event\":\"e\",\"payload\":{\"x\":\"" + "a".repeat(70_000) + "\"}}";
    assertError(api(node, "POST", "/api/broadcast", big), 413, "body_too_large");
    // The connection that carried the refused body still serves.
    assertThat(api(node, "POST", "/api/broadcast", broadcast).status()).isEqualTo(202);
    assertError(api(node, "GET", "/api/presence/x?limit=0", null), 400, "invalid_limit");
    assertError(api(node, "GET", "/api/presence/x?limit=1001", null), 400, "invalid_limit");
    assertError(api(node, "GET", "/api/presence/x?limit=ten", null), 400, "invalid_limit");
    assertError(api(node, "DELETE", "/api/heroes/Nobody%20Here", null), 404, "hero_not_present");
    assertError(api(node, "POST", "/api/incidents", "{\"body\":\"  \"}"), 400, "invalid_body");
    assertError(api(node, "POST", "/api/incidents", "{\"body\":42}"), 400, "invalid_body");
    assertError(
        api(node, "POST", "/api/incidents", "{\"body\":\"" + "x".repeat(501) + "\"}"),
        400,
        "body_too_long");

    Answer reported = api(node, "POST", "/api/incidents", "{\"body\":\"cat up a tree\"}");
    assertThat(reported.status()).as(reported.body()).isEqualTo(201);
    assertThat(reported.json().get("id")).isInstanceOf(String.class);
    Answer empty = api(node, "GET", "/api/presence/no-such-topic", null);
    assertThat(empty.json())
        .containsEntry("count", 0)
        .containsEntry("entries", List.of())
        .containsEntry("next", null);
  }

  @Test
  void withoutAKeyTheApiDoesNotExistButTheTokenDoes() throws Exception {
    ClusterNode node = ClusterNode.start("keyless", redis.uri(), "1h");
    nodes.add(node);
    assertError(
        call(
            node,
            "POST",
            "/api/broadcast",
            KEY,
            "{\"topic\":\"t\",\"event\":\"e\",\"payload\":{}}"),
        404,
        "not_found");
    assertError(call(node, "GET", "/api/openapi.json", KEY, null), 404, "not_found");
    assertThat(call(node, "GET", "/api/token", null, null).status()).isEqualTo(200);
  }

  /**
   * Every operation the document describes is served with one of its documented statuses, every
   * other method on its path is 405, and no route is left undocumented.
   */
  @Test
  void theOpenApiDocumentMatchesTheRoutes() throws Exception {
    ClusterNode node = start("doc").getFirst();
    Hero hero = hero(node);
    Answer doc = api(node, "GET", "/api/openapi.json", null);
    assertThat(doc.status()).isEqualTo(200);
    Map<String, Object> openApi = doc.json();
    assertThat(openApi.get("openapi")).isEqualTo("3.1.0");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Map<String, Object>>> paths =
        (Map<String, Map<String, Map<String, Object>>>) openApi.get("paths");
    assertThat(paths.keySet())
        .containsExactlyInAnyOrder(
            "/api/broadcast",
            "/api/presence/{topic}",
            "/api/incidents",
            "/api/heroes/{name}",
            "/api/openapi.json");
    Map<String, String> bodies =
        Map.of(
            "post /api/broadcast", "{\"topic\":\"t\",\"event\":\"e\",\"payload\":{}}",
            "post /api/incidents", "{\"body\":\"documented\"}");
    Set<String> walked = new HashSet<>();
    for (var path : paths.entrySet()) {
      String concrete =
          path.getKey()
              .replace("{topic}", "notifications:lobby")
              .replace("{name}", hero.name().replace(" ", "%20"));
      for (String method : List.of("get", "post", "put", "delete", "patch")) {
        var operation = path.getValue().get(method);
        String body = bodies.get(method + " " + path.getKey());
        Answer answer = api(node, method.toUpperCase(java.util.Locale.ROOT), concrete, body);
        if (operation == null) {
          assertThat(answer.status()).as(method + " " + concrete).isEqualTo(405);
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> responses = (Map<String, Object>) operation.get("responses");
        assertThat(responses).containsKeys("401", "403");
        assertThat(responses.keySet())
            .as(method + " " + concrete + " answered " + answer.body())
            .contains(Integer.toString(answer.status()));
        assertThat(answer.status()).as(method + " " + concrete).isBetween(200, 299);
        walked.add(method + " " + path.getKey());
        // Unauthenticated, each documented operation is refused as documented.
        assertThat(
                call(node, method.toUpperCase(java.util.Locale.ROOT), concrete, null, body)
                    .status())
            .isEqualTo(401);
      }
    }
    assertThat(walked).hasSize(5);
  }

  @Test
  void acrossThreeNodes() throws Exception {
    List<ClusterNode> cluster = start("n1", "n2", "n3");
    ClusterNode n1 = cluster.get(0);
    Hero onTwo = hero(cluster.get(1));
    Hero onThree = hero(cluster.get(2));
    List<Hero> more = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      more.add(hero(cluster.get(i)));
    }

    // Broadcast published on node 1 reaches heroes on nodes 2 and 3.
    Answer published =
        api(
            n1,
            "POST",
            "/api/broadcast",
            JSON.writeValueAsString(
                Map.of(
                    "topic",
                    "notifications:lobby",
                    "event",
                    "notification",
                    "payload",
                    Map.of("body", "all hands", "from", "operations"))));
    assertThat(published.status()).isEqualTo(202);
    assertThat(published.json()).isEmpty();
    await("the broadcast on nodes 2 and 3")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> onTwo.bodies().contains("all hands") && onThree.bodies().contains("all hands"));

    // Presence paging on node 1 sees the heroes of every node, one key per page, in order, and a
    // hero who joins between pages neither repeats nor hides the keys present throughout.
    Set<String> everyone = new HashSet<>();
    everyone.add(onTwo.name());
    everyone.add(onThree.name());
    more.forEach(h -> everyone.add(h.name()));
    await("node 1 to see all five heroes")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((Number)
                            api(n1, "GET", "/api/presence/notifications:lobby", null)
                                .json()
                                .get("count"))
                        .intValue()
                    == 5);
    List<String> paged = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      String query = "?limit=2" + (after == null ? "" : "&after=" + encode(after));
      Map<String, Object> page =
          api(n1, "GET", "/api/presence/notifications:lobby" + query, null).json();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> entries = (List<Map<String, Object>>) page.get("entries");
      assertThat(entries.size()).isLessThanOrEqualTo(2);
      for (var entry : entries) {
        paged.add((String) entry.get("key"));
        assertThat((List<?>) entry.get("metas")).isNotEmpty();
      }
      after = (String) page.get("next");
      if (pages++ == 0) {
        hero(cluster.get(1)); // joins while an operator pages
      }
    } while (after != null);
    assertThat(paged).isSorted().doesNotHaveDuplicates().containsAll(everyone);

    // Disconnect of a hero whose socket is on node 3, called on node 1.
    Answer disconnected = api(n1, "DELETE", "/api/heroes/" + encode(onThree.name()), null);
    assertThat(disconnected.status()).as(disconnected.body()).isEqualTo(202);
    assertThat(disconnected.json()).isEqualTo(Map.of("disconnected", 1));
    await("the hero's socket on node 3 closed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !onThree.isOpen());
    await("the hero's presence gone everywhere")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api(n1, "DELETE", "/api/heroes/" + encode(onThree.name()), null).status() == 404
                    && !onTwo.roster().contains(onThree.name()));
    assertThat(onTwo.isOpen()).isTrue();

    // A hero who connected without a token has no socket id, and is disconnected all the same.
    Hero anonymous = Hero.join(client, cluster.get(1));
    heroes.add(anonymous);
    String path = "/api/heroes/" + encode(anonymous.name());
    await("node 1 to see the anonymous hero")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api(n1, "GET", "/api/presence/notifications:lobby?limit=1000", null)
                    .body()
                    .contains(anonymous.name()));
    Answer anonymousGone = api(n1, "DELETE", path, null);
    assertThat(anonymousGone.status()).as(anonymousGone.body()).isEqualTo(202);
    assertThat(anonymousGone.json()).isEqualTo(Map.of("disconnected", 1));
    await("the anonymous hero's socket on node 2 closed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !anonymous.isOpen());
    await("the anonymous hero's presence gone everywhere")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api(n1, "DELETE", path, null).status() == 404
                    && !onThree.roster().contains(anonymous.name()));
  }

  /** Readiness follows Redis: 503 with the reason while it is gone, 200 again once it is back. */
  @Test
  void readinessFlipsWhenRedisStopsAndReturns() throws Exception {
    ClusterNode node = start("ready").getFirst();
    await("ready")
        .atMost(Duration.ofSeconds(10))
        .until(() -> call(node, "GET", "/readyz", null, null).status() == 200);
    assertThat(call(node, "GET", "/readyz", null, null).json()).containsEntry("status", "ready");

    redis.stop();
    await("not ready without Redis")
        .atMost(Duration.ofSeconds(15))
        .until(() -> call(node, "GET", "/readyz", null, null).status() == 503);
    Answer down = call(node, "GET", "/readyz", null, null);
    assertThat(down.json()).containsEntry("reason", "redis_down");
    // Liveness is not readiness: the process is alive and says so.
    assertThat(call(node, "GET", "/healthz", null, null).status()).isEqualTo(200);

    redis.restart();
    await("ready again once Redis is back and presence caught up")
        .atMost(Duration.ofSeconds(30))
        .until(() -> call(node, "GET", "/readyz", null, null).status() == 200);
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
