package dev.rollcall.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.client.CloseStatus;
import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A hero on the Socket.IO baseline ({@code bench/peers/socketio}), spoken as Engine.IO 4 over a
 * plain WebSocket: {@code 0{...}} open, {@code 40} to connect the default namespace (which is
 * joining the lobby there), {@code 42[event, data]} events, {@code 2}/{@code 3} ping/pong. Same
 * client stack (Netty, one event loop for many sockets) as the Phoenix side, so the comparison is
 * of servers. Confined to its socket's event loop, apart from the calls that hop onto it.
 */
final class SocketIoLobbyConnection implements LobbyConnection, ClientListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NOTIFICATION = "42[\"notification\",";
  private static final String PRESENCE = "42[\"presence_";

  private final PhoenixClient client;
  private final URI url;
  private final SocketOptions options;
  private final Events events;
  private final Roster roster;
  private final CompletableFuture<String> joined = new CompletableFuture<>();
  private volatile ClientSocket socket;
  private volatile String name;
  private volatile boolean closing;

  SocketIoLobbyConnection(
      PhoenixClient client, URI base, SocketOptions options, boolean trackRoster, Events events) {
    this.client = client;
    this.url =
        URI.create(
            "ws://" + base.getRawAuthority() + "/socket.io/?EIO=4&transport=websocket&vsn=none");
    this.options = options.withListener(this).withRawText(true).withHeartbeat(null);
    this.events = events;
    this.roster = trackRoster ? new Roster() : null;
  }

  @Override
  public CompletableFuture<Void> connect() {
    return client.connect(url, options).thenAccept(connected -> socket = connected);
  }

  @Override
  public CompletableFuture<String> join() {
    socket.sendText("40");
    return joined;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Roster roster() {
    return roster;
  }

  @Override
  public void notifyAll(String body) {
    emit("notify_all", Map.of("body", body));
  }

  @Override
  public void notifyDirect(String body, String recipient) {
    emit("notify_direct", Map.of("body", body, "recipient", recipient));
  }

  private void emit(String event, Object data) {
    try {
      socket.sendText("42" + JSON.writeValueAsString(List.of(event, data)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void close() {
    closing = true;
    ClientSocket s = socket;
    if (s != null) {
      s.abort();
    }
  }

  /**
   * The hot frames without a decode, as on the Phoenix side: a notification's send time read from
   * its bytes, presence events skipped when no roster is kept; anything else goes to {@link
   * #onText(ClientSocket, String)}.
   */
  @Override
  public void onText(ClientSocket from, ByteBuf content) {
    byte[] bytes = JsonScan.copy(content);
    int end = content.readableBytes();
    if (JsonScan.matches(bytes, 0, end, NOTIFICATION)) {
      int payload = NOTIFICATION.length();
      int payloadEnd = JsonScan.skipValue(bytes, payload, end);
      if (payloadEnd > 0
          && JsonScan.skipSpace(bytes, payloadEnd, end) == end - 1
          && bytes[end - 1] == ']') {
        long sentAt = NotificationBody.sentAt(bytes, payload, payloadEnd);
        if (sentAt != NotificationBody.UNKNOWN) {
          if (sentAt != NotificationBody.NOT_OURS) {
            events.delivered(this, sentAt);
          }
          return;
        }
      }
    } else if (roster == null && JsonScan.matches(bytes, 0, end, PRESENCE)) {
      return;
    }
    onText(from, content.toString(StandardCharsets.UTF_8));
  }

  @Override
  public void onText(ClientSocket from, String text) {
    if (text.equals("2")) {
      from.sendText("3"); // Engine.IO ping → pong
    } else if (text.startsWith("42")) {
      onEvent(text.substring(2));
    } else if (text.startsWith("44")) {
      joined.completeExceptionally(new IllegalStateException("connect refused: " + text));
    }
    // "0{...}" (open) and "40{...}" (namespace connected) need no answer.
  }

  private void onEvent(String json) {
    List<?> packet;
    try {
      packet = JSON.readValue(json, List.class);
    } catch (Exception e) {
      events.undecodable(this, "invalid Socket.IO event");
      return;
    }
    if (packet.size() < 2 || !(packet.get(0) instanceof String event)) {
      events.undecodable(this, "invalid Socket.IO event");
      return;
    }
    Object data = packet.get(1);
    switch (event) {
      case "notification" -> {
        if (data instanceof Map<?, ?> payload && payload.get("body") instanceof String body) {
          events.notification(this, body);
        }
      }
      case "user_info" -> {
        if (data instanceof Map<?, ?> payload && payload.get("user_name") instanceof String n) {
          name = n;
          joined.complete(n);
        }
      }
      case "presence_state" -> {
        if (roster != null) {
          roster.applyState(data);
          events.rosterChanged(this);
        }
      }
      case "presence_diff" -> {
        if (roster != null) {
          roster.applyDiff(data);
          events.rosterChanged(this);
        }
      }
      default -> {}
    }
  }

  @Override
  public void onClose(ClientSocket from, CloseStatus status) {
    joined.completeExceptionally(new IllegalStateException("closed " + status.code()));
    if (!closing) {
      events.dropped(this, status.code());
    }
  }
}
