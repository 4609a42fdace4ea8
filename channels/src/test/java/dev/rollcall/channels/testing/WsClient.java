package dev.rollcall.channels.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw WebSocket client on {@code java.net.http} for spec tests: send frames as text, expect exact
 * frames (compared as JSON) and close codes. Thread-safe.
 *
 * <p>Not the {@code rollcall-client} Socket: these tests send V1 frames, malformed text and
 * fragments, and hold reads back, none of which a Phoenix client does.
 */
public final class WsClient implements AutoCloseable {
  private static final ObjectMapper json = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient http = HttpClient.newHttpClient();

  private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final WebSocket ws;
  private final Vsn vsn;
  private final String subprotocol;
  private CompletableFuture<WebSocket> pendingSends;

  private WsClient(WebSocket ws, Vsn vsn) {
    this.ws = ws;
    this.vsn = vsn;
    this.subprotocol = ws.getSubprotocol();
    this.pendingSends = CompletableFuture.completedFuture(ws);
  }

  public static WsClient connect(int port, Vsn vsn) {
    return connect(port, vsn == null ? "" : "vsn=" + vsn.vsn, vsn, true);
  }

  /** Connects with a raw query string; {@code reading} false leaves frames unread (slow reader). */
  public static WsClient connect(
      int port, String query, Vsn vsn, boolean reading, String... protocols) {
    Listener listener = new Listener(reading);
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
    if (protocols.length > 0) {
      builder.subprotocols(
          protocols[0], java.util.Arrays.copyOfRange(protocols, 1, protocols.length));
    }
    WebSocket ws =
        builder
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/socket/websocket?" + query), listener)
            .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
            .join();
    WsClient client = new WsClient(ws, vsn);
    listener.client.complete(client);
    return client;
  }

  public Vsn vsn() {
    return vsn;
  }

  public String subprotocol() {
    return subprotocol;
  }

  public WsClient send(String text) {
    CompletableFuture<WebSocket> sent;
    synchronized (this) {
      pendingSends = pendingSends.thenCompose(previous -> ws.sendText(text, true));
      sent = pendingSends;
    }
    sent.join();
    return this;
  }

  /**
   * Queues a send without waiting for it (a client that does not read may not get to write);
   * java.net.http allows one pending send, so queued sends are chained.
   */
  public synchronized void sendAsync(String text) {
    pendingSends = pendingSends.thenCompose(previous -> ws.sendText(text, true));
  }

  /** One text message sent as several WebSocket frames (a first frame and continuations). */
  public WsClient sendFragmented(String... parts) {
    sendFragmentedAsync(parts).join();
    return this;
  }

  /**
   * Like {@link #sendFragmented} without waiting: for messages the server may refuse (and close on)
   * before the client has written the last fragment.
   */
  public synchronized CompletableFuture<WebSocket> sendFragmentedAsync(String... parts) {
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      boolean last = i == parts.length - 1;
      pendingSends = pendingSends.thenCompose(previous -> ws.sendText(part, last));
    }
    return pendingSends;
  }

  public WsClient sendBinary(byte[] bytes) {
    CompletableFuture<WebSocket> sent;
    synchronized (this) {
      pendingSends =
          pendingSends.thenCompose(previous -> ws.sendBinary(ByteBuffer.wrap(bytes), true));
      sent = pendingSends;
    }
    sent.join();
    return this;
  }

  /** The next frame within 10 s. */
  public String next() {
    try {
      String frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(frame).as("a frame within " + WAIT).isNotNull();
      return frame;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Asserts the next frames are exactly {@code expected}, in order (compared as JSON). */
  public WsClient expect(String... expected) {
    for (String frame : expected) {
      assertThat(parse(next())).as("frame").isEqualTo(parse(frame));
    }
    return this;
  }

  /** Asserts the next frames are {@code expected} in any order. */
  public WsClient expectUnordered(String... expected) {
    List<JsonNode> want = new java.util.ArrayList<>();
    List<JsonNode> got = new java.util.ArrayList<>();
    for (String frame : expected) {
      want.add(parse(frame));
      got.add(parse(next()));
    }
    assertThat(got).containsExactlyInAnyOrderElementsOf(want);
    return this;
  }

  /**
   * Asserts nothing else arrived: a heartbeat's reply is the very next frame (no sleeping, the
   * server handles a socket's frames in order).
   */
  public WsClient expectNothingMore() {
    send(vsn.heartbeat("barrier"));
    return expect(vsn.heartbeatReply("barrier"));
  }

  /** The close code the server sent, within 10 s. */
  public int closeCode() {
    return closeCode.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  /** Starts reading after a {@code reading=false} connect. */
  public void startReading() {
    ws.request(Long.MAX_VALUE);
  }

  public static JsonNode parse(String frame) {
    try {
      return json.readTree(frame);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + frame, e);
    }
  }

  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
    }
    ws.abort();
  }

  private static final class Listener implements WebSocket.Listener {
    final CompletableFuture<WsClient> client = new CompletableFuture<>();
    private final boolean reading;
    private final StringBuilder text = new StringBuilder();

    Listener(boolean reading) {
      this.reading = reading;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      if (reading) {
        webSocket.request(Long.MAX_VALUE);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        client.thenAccept(c -> c.frames.add(frame));
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      client.thenAccept(c -> c.frames.add("binary:" + java.util.HexFormat.of().formatHex(bytes)));
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      client.thenAccept(c -> c.closeCode.complete(statusCode));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      client.thenAccept(c -> c.closeCode.complete(-1));
    }
  }
}
