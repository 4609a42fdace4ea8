package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Limits set on the launcher's command line are the ones a client meets on the running app: a
 * payload nested deeper than {@code --max-payload-depth} is refused with its reason, a join beyond
 * {@code --max-channels-per-socket} too, and a frame over {@code --max-frame-bytes} closes the
 * socket with 1009 while one under it is answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunablesInTheAppTest {
  private static DispatchApp app;
  private RawSocket socket;

  @BeforeAll
  static void start() {
    app =
        DispatchApp.start(
            LaunchOptions.parse(
                "--port=0",
                "--host=127.0.0.1",
                "--notify-interval=1h",
                "--max-frame-bytes=2048",
                "--max-payload-depth=4",
                "--max-channels-per-socket=1"),
            DispatchConfig.defaults());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @AfterEach
  void close() {
    if (socket != null) {
      socket.ws.abort();
    }
  }

  @Test
  void aPayloadDeeperThanMaxPayloadDepthIsRefusedWithItsReason() throws Exception {
    socket = RawSocket.open(app.port());
    socket.joinLobby();

    socket.send("[\"1\",\"2\",\"notifications:lobby\",\"notify_all\",{\"body\":\"shallow\"}]");
    assertThat(socket.replyTo("2")).contains("\"status\":\"ok\"");
    socket.send(
        "[\"1\",\"3\",\"notifications:lobby\",\"notify_all\",{\"body\":[[[[[\"deep\"]]]]]}]");
    assertThat(socket.replyTo("3"))
        .contains("\"status\":\"error\"", "\"reason\":\"payload too deep\"");
  }

  @Test
  void aJoinBeyondMaxChannelsPerSocketIsRefusedWithItsReason() throws Exception {
    socket = RawSocket.open(app.port());
    socket.joinLobby();

    socket.send("[\"2\",\"2\",\"notifications:elsewhere\",\"phx_join\",{}]");
    assertThat(socket.replyTo("2"))
        .contains("\"status\":\"error\"", "\"reason\":\"too many channels joined\"");
  }

  @Test
  void aFrameOverMaxFrameBytesClosesTheSocketWith1009() throws Exception {
    socket = RawSocket.open(app.port());
    socket.joinLobby();
    String under = "x".repeat(1900);
    socket.send(
        "[\"1\",\"2\",\"notifications:lobby\",\"notify_all\",{\"body\":\"" + under + "\"}]");
    assertThat(socket.replyTo("2")).contains("\"reason\":\"body_too_long\"");

    String over = "x".repeat(2100);
    socket.send("[\"1\",\"3\",\"notifications:lobby\",\"notify_all\",{\"body\":\"" + over + "\"}]");
    assertThat(socket.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
  }

  /** A V2 WebSocket client that keeps every text frame; no phoenix logic of its own. */
  private record RawSocket(
      WebSocket ws, BlockingQueue<String> frames, CompletableFuture<Integer> closeCode) {

    static RawSocket open(int port) {
      BlockingQueue<String> frames = new LinkedBlockingQueue<>();
      CompletableFuture<Integer> closeCode = new CompletableFuture<>();
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + "/socket/websocket?vsn=2.0.0"),
                  new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) {
                        frames.add(text.toString());
                        text.setLength(0);
                      }
                      webSocket.request(1);
                      return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(
                        WebSocket webSocket, int statusCode, String reason) {
                      closeCode.complete(statusCode);
                      return null;
                    }
                  })
              .orTimeout(10, TimeUnit.SECONDS)
              .join();
      return new RawSocket(ws, frames, closeCode);
    }

    void send(String frame) {
      ws.sendText(frame, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    void joinLobby() throws InterruptedException {
      send("[\"1\",\"1\",\"notifications:lobby\",\"phx_join\",{}]");
      assertThat(replyTo("1")).contains("\"status\":\"ok\"");
    }

    /** The {@code phx_reply} frame whose ref is {@code ref}; other frames are skipped. */
    String replyTo(String ref) throws InterruptedException {
      while (true) {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a reply to ref " + ref).isNotNull();
        if (frame.contains("\"phx_reply\"") && frame.matches("\\[[^,]*,\"" + ref + "\",.*")) {
          return frame;
        }
      }
    }
  }
}
