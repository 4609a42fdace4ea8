package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plain HTTP routes: exact GET paths, prefix routes for every method, bodies and their limit. */
class HttpRoutesTest {
  private static final HttpClient http = HttpClient.newHttpClient();
  private Endpoint endpoint;

  @BeforeEach
  void start() {
    HttpRoute echo =
        request ->
            new HttpRoute.Response(
                200,
                "text/plain",
                (request.method() + " " + request.path() + " " + new String(request.body()))
                    .getBytes(StandardCharsets.UTF_8));
    endpoint =
        Endpoint.builder()
            .config(EndpointConfig.defaults().withHost("127.0.0.1").withPort(0))
            .socket(Socket.builder().build())
            .http(
                "/api/exact",
                request -> new HttpRoute.Response(200, "text/plain", "exact".getBytes()))
            .httpPrefix("/api/", echo)
            .start();
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPrefixRouteGetsEveryMethodAndTheBody() throws Exception {
    assertThat(send("POST", "/api/things/1", "{\"a\":1}").body())
        .isEqualTo("POST /api/things/1 {\"a\":1}");
    assertThat(send("DELETE", "/api/things/1", null).body()).isEqualTo("DELETE /api/things/1 ");
    assertThat(send("OPTIONS", "/api/x", null).body()).isEqualTo("OPTIONS /api/x ");
  }

  @Test
  void anExactPathWinsForGetAndOtherPathsKeepTheirRules() throws Exception {
    assertThat(send("GET", "/api/exact", null).body()).isEqualTo("exact");
    // The exact route serves GET only; other methods on its path reach the prefix route.
    assertThat(send("POST", "/api/exact", "b").body()).isEqualTo("POST /api/exact b");
    assertThat(send("POST", "/elsewhere", "b").statusCode()).isEqualTo(405);
    assertThat(send("GET", "/elsewhere", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aBodyOverTheLimitIsRefusedWithAJsonReasonAndTheConnectionServesOn() throws Exception {
    var tooLarge = send("POST", "/api/big", "x".repeat(HttpRoute.MAX_BODY_BYTES + 1));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).isEqualTo("{\"error\":\"body_too_large\"}");
    assertThat(tooLarge.headers().firstValue("content-type")).hasValue("application/json");
    var atTheLimit = send("POST", "/api/big", "y".repeat(HttpRoute.MAX_BODY_BYTES));
    assertThat(atTheLimit.statusCode()).isEqualTo(200);
    assertThat(atTheLimit.body()).hasSize("POST /api/big ".length() + HttpRoute.MAX_BODY_BYTES);
  }
}
