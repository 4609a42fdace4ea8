package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.channels.testing.RawHttp;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The long-poll transport over plain HTTP: every status a client can see, and what it means. */
class LongPollTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A session not polled for 1.5 windows ends, so a client has half a window between two polls:
   * long enough for a test thread that a loaded machine holds back for a second.
   */
  private static final Duration WINDOW = Duration.ofSeconds(2);

  private final RunningEndpoint server =
      new RunningEndpoint(
          config ->
              config
                  .withLongPollWindow(WINDOW)
                  .withMaxFrameBytes(1024)
                  .withMaxConnections(3)
                  .withMaxMessagesPerSecond(1000)
                  .withMessageBurst(1000));
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  private record Answer(int httpStatus, JsonNode body, java.net.http.HttpHeaders headers) {
    int status() {
      return body.get("status").asInt();
    }

    String token() {
      return body.get("token").asText();
    }

    List<String> messages() {
      List<String> messages = new ArrayList<>();
      body.get("messages").forEach(m -> messages.add(m.asText()));
      return messages;
    }
  }

  private String url(String query) {
    return "http://127.0.0.1:" + server.port() + "/socket/longpoll?vsn=2.0.0" + query;
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.body().isEmpty() ? null : JSON.readTree(response.body()),
          response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Answer get(String query) {
    return send(HttpRequest.newBuilder(URI.create(url(query))).GET());
  }

  private Answer poll(String token) {
    return send(
        HttpRequest.newBuilder(URI.create(url(""))).header("x-phoenix-longpoll-token", token));
  }

  private Answer post(String token, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url("&token=" + token)))
            .header("content-type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private String open() {
    Answer opened = get("");
    assertThat(opened.status()).isEqualTo(410);
    return opened.token();
  }

  @Test
  void aGetWithoutTokenOpensASessionWith410AndAToken() {
    Answer opened = get("");
    assertThat(opened.httpStatus()).isEqualTo(200);
    assertThat(opened.status()).isEqualTo(410);
    assertThat(opened.token()).startsWith("SFMyNTY.");
    assertThat(opened.messages()).isEmpty();
    assertThat(opened.headers().firstValue("content-type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(opened.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(opened.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(server.endpoint.stats().connections()).isEqualTo(1);
  }

  @Test
  void aPollWithNothingToSayIs204AfterTheWindow() {
    String token = open();
    long start = System.nanoTime();
    Answer poll = poll(token);
    assertThat(poll.httpStatus()).isEqualTo(200);
    assertThat(poll.status()).isEqualTo(204);
    assertThat(poll.token()).isEqualTo(token);
    assertThat(poll.messages()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(WINDOW);
  }

  @Test
  void postedFramesAreAnsweredByTheNextPoll() {
    String token = open();
    Answer posted = post(token, "application/json", "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]");
    assertThat(posted.httpStatus()).isEqualTo(200);
    assertThat(posted.body().toString()).isEqualTo("{\"status\":200}");
    Answer poll = poll(token);
    assertThat(poll.status()).isEqualTo(200);
    assertThat(poll.messages())
        .containsExactly(
            "[\"1\",\"1\",\"room:lobby\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
  }

  @Test
  void aWaitingPollIsAnsweredWithFramesThatArriveDuringIt() throws Exception {
    String token = open();
    post(token, "application/json", "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]");
    assertThat(poll(token).messages()).hasSize(1);
    WsClient other = server.connect("vsn=2.0.0", Vsn.V2);
    other.send("[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]");
    other.expect("[\"1\",\"1\",\"room:lobby\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
    CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> poll(token));
    Thread.sleep(100);
    other.send("[\"1\",\"2\",\"room:lobby\",\"shout\",{\"hi\":1}]");
    Answer answer = waiting.get();
    while (answer.status() == 204) {
      answer = poll(token); // only if the machine was too slow for the window
    }
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.messages()).contains("[null,null,\"room:lobby\",\"shout\",{\"hi\":1}]");
  }

  @Test
  void anNdjsonBatchIsHandledInOrderAndOnlyItsFirst100LinesCount() {
    String token = open();
    String batch =
        "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]\n"
            + IntStream.range(2, 150)
                .mapToObj(i -> "[\"1\",\"" + i + "\",\"room:lobby\",\"echo\",{\"n\":" + i + "}]")
                .collect(Collectors.joining("\n"));
    assertThat(post(token, "application/x-ndjson", batch).status()).isEqualTo(200);
    List<String> replies = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              replies.addAll(poll(token).messages());
              return replies.size() >= 100;
            });
    assertThat(replies).hasSize(100);
    assertThat(replies.get(99)).startsWith("[\"1\",\"100\",\"room:lobby\",\"phx_reply\"");
    // Nothing of lines 101..149 ever comes.
    assertThat(poll(token).status()).isEqualTo(204);
  }

  @Test
  void base64LinesAreBinaryFrames() {
    String token = open();
    // A V2 binary push: kind 0, join_ref "1", ref "2", topic "room:lobby", event "echo", payload.
    byte[] topic = "room:lobby".getBytes();
    byte[] event = "echo".getBytes();
    byte[] payload = {1, 2, 3};
    var frame = new java.io.ByteArrayOutputStream();
    frame.write(0);
    frame.write(1);
    frame.write(1);
    frame.write(topic.length);
    frame.write(event.length);
    frame.writeBytes("1".getBytes());
    frame.writeBytes("2".getBytes());
    frame.writeBytes(topic);
    frame.writeBytes(event);
    frame.writeBytes(payload);
    String batch =
        "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]\n"
            + java.util.Base64.getEncoder().encodeToString(frame.toByteArray());
    assertThat(post(token, "application/x-ndjson", batch).status()).isEqualTo(200);
    List<String> replies = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              replies.addAll(poll(token).messages());
              return replies.size() >= 2;
            });
    assertThat(replies.get(0)).contains("phx_reply");
    // The binary reply goes out base64-encoded, as binary frames come in.
    assertThat(replies.get(1)).doesNotStartWith("[");
  }

  @Test
  void anInvalidLineEndsTheSessionAfterTheLinesBeforeIt() {
    String token = open();
    String batch =
        "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]\n[not json\n[\"1\",\"2\",\"room:x\",\"phx_join\",{}]";
    Answer answer = post(token, "application/x-ndjson", batch);
    assertThat(answer.httpStatus()).isEqualTo(400);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("error").asText()).contains("invalid frame");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                server.endpoint.stats().channels() == 0
                    && server.endpoint.stats().connections() == 0);
    assertThat(server.recorder.events()).doesNotContain("join room:x");
    assertThat(poll(token).body().toString()).isEqualTo("{\"status\":410}");
  }

  @Test
  void unknownAndForgedTokensAre410() {
    String forged = "SFMyNTY.MTcwMDAwMDAwMDAwMDp2MTpub2RlOnBoeDpscDp4.AAAA";
    assertThat(post(forged, "application/json", "[]").body().toString())
        .isEqualTo("{\"status\":410}");
    // A forged token on a GET opens a fresh session, as Phoenix does: the client starts over.
    Answer reopened = poll(forged);
    assertThat(reopened.status()).isEqualTo(410);
    assertThat(reopened.token()).isNotEqualTo(forged);
  }

  @Test
  void aSessionNotPolledFor1_5WindowsEndsAndItsChannelsTerminate() {
    String token = open();
    post(token, "application/json", "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.recorder.events().contains("exit room:lobby SOCKET_CLOSED"));
    assertThat(poll(token).body().toString()).isEqualTo("{\"status\":410}");
    // the session stops counting on its own thread, maybe after the channel's exit hook ran
    await().untilAsserted(() -> assertThat(server.endpoint.stats().connections()).isZero());
  }

  @Test
  void aRefusedConnectIs403() {
    assertThat(get("&token=bad").body().toString()).isEqualTo("{\"status\":403}");
    assertThat(get("&token=x").status()).isEqualTo(410);
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url("")))
                    .header("x-phoenix-authtoken", "forged"))
                .body()
                .toString())
        .isEqualTo("{\"status\":403}");
    assertThat(get("").status()).isEqualTo(410);
    assertThat(server.endpoint.stats().connections()).isEqualTo(2);
  }

  @Test
  void sessionsCountAsConnections() {
    open();
    open();
    open();
    Answer refused = get("");
    assertThat(refused.httpStatus()).isEqualTo(503);
    assertThat(refused.status()).isEqualTo(500);
  }

  @Test
  void aBodyOverAHundredFramesIs413() {
    String token = open();
    String body = "x".repeat(1024 * 100 + 1);
    RawHttp.Response response =
        RawHttp.send(
            server.port(),
            "POST /socket/longpoll?vsn=2.0.0&token="
                + token
                + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body);
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.text())
        .isEqualTo("{\"status\":413,\"error\":\"request body over 102400 bytes\"}");
    // Other paths keep the small limit; the refused body is read and dropped, and the same
    // connection serves the next request.
    String route = "y".repeat(70_000);
    List<RawHttp.Response> answers =
        RawHttp.sendOnOneConnection(
            server.port(),
            "POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + route.length()
                + "\r\n\r\n"
                + route
                + "GET /socket/longpoll?vsn=2.0.0 HTTP/1.1\r\nHost: x\r\n\r\n",
            2);
    assertThat(answers.get(0).status()).isEqualTo(413);
    assertThat(answers.get(1).status()).isEqualTo(200);
    assertThat(answers.get(1).text()).contains("\"status\":410");
  }

  @Test
  void optionsAnswersThePreflight() {
    Answer preflight =
        send(
            HttpRequest.newBuilder(URI.create(url("")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("access-control-request-headers", "x-phoenix-longpoll-token"));
    assertThat(preflight.httpStatus()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(preflight.headers().firstValue("access-control-allow-methods"))
        .hasValue("get, post, options");
    assertThat(preflight.headers().firstValue("access-control-allow-headers"))
        .hasValue("x-phoenix-longpoll-token");
    assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("3600");
  }

  @Test
  void otherMethodsAre400WithAJsonBody() {
    Answer put =
        send(
            HttpRequest.newBuilder(URI.create(url("")))
                .PUT(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(put.httpStatus()).isEqualTo(400);
    assertThat(put.status()).isEqualTo(400);
  }

  @Test
  void aDisconnectBroadcastOnTheSocketIdEndsTheSession() {
    Answer opened = get("&user_id=7");
    String token = opened.token();
    post(token, "application/json", "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]");
    assertThat(poll(token).messages()).hasSize(1);
    server.endpoint.disconnect("user_socket:7");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.recorder.events().contains("exit room:lobby SOCKET_CLOSED"));
    assertThat(poll(token).status()).isEqualTo(410);
  }
}
