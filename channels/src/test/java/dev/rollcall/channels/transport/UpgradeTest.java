package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.testing.RawHttp;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What happens before and at the WebSocket upgrade, and the plain HTTP side of the endpoint. */
class UpgradeTest {
  private final RunningEndpoint server =
      new RunningEndpoint(
          config ->
              config.withAllowedOrigins(List.of("https://dispatch.example", "//*.heroes.test")),
          builder ->
              builder
                  .http(
                      "/healthz",
                      request ->
                          new HttpRoute.Response(
                              200,
                              "application/json",
                              ("{\"q\":\"" + request.query().get("q") + "\"}")
                                  .getBytes(StandardCharsets.UTF_8)))
                  .http(
                      "/boom",
                      request -> {
                        throw new IllegalStateException("route failed");
                      })
                  .staticResources("www"));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void missingVsnSpeaksV1() {
    WsClient c = server.connect("", Vsn.V1);
    c.send(Vsn.V1.heartbeat("1")).expect(Vsn.V1.heartbeatReply("1"));
  }

  @Test
  void anyPatchOf2_0IsV2() {
    WsClient c = server.connect("vsn=2.0.7", Vsn.V2);
    c.send(Vsn.V2.heartbeat("1")).expect(Vsn.V2.heartbeatReply("1"));
  }

  @Test
  void unsupportedVsnIs403WithEmptyBody() {
    RawHttp.Response response = RawHttp.upgrade(server.port(), "/socket/websocket?vsn=3.0.0");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void refusedConnectIs403BeforeTheUpgrade() {
    RawHttp.Response response =
        RawHttp.upgrade(server.port(), "/socket/websocket?vsn=2.0.0&token=bad");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).isEmpty();
    assertThat(server.endpoint.stats().connections()).isZero();
  }

  @Test
  void bearerTokenFromTheSubprotocolReachesConnectAndTheAnswerIsPhoenix() {
    String token = Base64.getEncoder().withoutPadding().encodeToString("s3cr3t?>".getBytes());
    WsClient c =
        server.track(
            WsClient.connect(
                server.port(),
                "vsn=2.0.0",
                Vsn.V2,
                true,
                "phoenix",
                "base64url.bearer.phx." + token));
    assertThat(c.subprotocol()).isEqualTo("phoenix");
    c.send(Vsn.V2.join("1", "room:lobby", "{}")).expect(Vsn.V2.okJoin("1", "room:lobby"));
    c.send(Vsn.V2.in("1", "2", "room:lobby", "assigns", "{}"))
        .expect(Vsn.V2.reply("1", "2", "room:lobby", "ok", "{\"token\":\"s3cr3t?>\"}"));
  }

  @Test
  void aForgedBearerTokenIsRefused() {
    String token = Base64.getEncoder().withoutPadding().encodeToString("forged".getBytes());
    RawHttp.Response response =
        RawHttp.upgrade(
            server.port(),
            "/socket/websocket?vsn=2.0.0",
            "Sec-WebSocket-Protocol: phoenix, base64url.bearer.phx." + token);
    assertThat(response.status()).isEqualTo(403);
  }

  @Test
  void originsOutsideTheAllowListAre403() {
    String path = "/socket/websocket?vsn=2.0.0";
    assertThat(RawHttp.upgrade(server.port(), path, "Origin: https://evil.example").status())
        .isEqualTo(403);
    assertThat(RawHttp.upgrade(server.port(), path, "Origin: null").status()).isEqualTo(403);
    assertThat(RawHttp.upgrade(server.port(), path, "Origin: https://dispatch.example").status())
        .isEqualTo(101);
    assertThat(RawHttp.upgrade(server.port(), path, "Origin: http://a.b.heroes.test:81").status())
        .isEqualTo(101);
    assertThat(RawHttp.upgrade(server.port(), path, "Origin: https://heroes.test").status())
        .isEqualTo(101);
    assertThat(RawHttp.upgrade(server.port(), path, "Origin: https://notheroes.test").status())
        .isEqualTo(403);
  }

  @Test
  void plainGetOnTheSocketPathIs400() {
    assertThat(RawHttp.get(server.port(), "/socket/websocket?vsn=2.0.0").status()).isEqualTo(400);
    assertThat(RawHttp.get(server.port(), "/socket/elsewhere").status()).isEqualTo(404);
  }

  @Test
  void httpRoutesAndStaticResources() {
    RawHttp.Response health = RawHttp.get(server.port(), "/healthz?q=up");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.headers()).containsEntry("content-type", "application/json");
    assertThat(health.text()).isEqualTo("{\"q\":\"up\"}");

    assertThat(RawHttp.get(server.port(), "/boom").status()).isEqualTo(500);

    RawHttp.Response index = RawHttp.get(server.port(), "/");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.headers()).containsEntry("content-type", "text/html; charset=utf-8");
    assertThat(index.text()).contains("rollcall test");

    RawHttp.Response css = RawHttp.get(server.port(), "/css/app.css");
    assertThat(css.headers()).containsEntry("content-type", "text/css; charset=utf-8");

    assertThat(RawHttp.get(server.port(), "/nope.js").status()).isEqualTo(404);
    assertThat(RawHttp.get(server.port(), "/css").status()).isEqualTo(404);
    assertThat(RawHttp.get(server.port(), "/../logback-test.xml").status()).isEqualTo(404);
  }

  @Test
  void disconnectBySocketIdClosesEverySocketOfThatIdWith1001() {
    WsClient one = server.connect("vsn=2.0.0&user_id=42", Vsn.V2);
    WsClient two = server.connect("vsn=1.0.0&user_id=42", Vsn.V1);
    WsClient someoneElse = server.connect("vsn=2.0.0&user_id=7", Vsn.V2);
    one.send(Vsn.V2.join("1", "room:lobby", "{}")).expect(Vsn.V2.okJoin("1", "room:lobby"));

    server.endpoint.disconnect("user_socket:42");

    assertThat(one.closeCode()).isEqualTo(1001);
    assertThat(two.closeCode()).isEqualTo(1001);
    someoneElse.expectNothingMore();
    await()
        .untilAsserted(
            () ->
                assertThat(server.recorder.events())
                    .contains("terminate room:lobby SOCKET_CLOSED"));
    await().untilAsserted(() -> assertThat(server.endpoint.stats().connections()).isEqualTo(1));
  }
}
