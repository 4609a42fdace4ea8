package dev.rollcall.bench;

import dev.rollcall.client.CloseStatus;
import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import dev.rollcall.protocol.Message;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A hero on a Phoenix Channels server (Rollcall, or Phoenix itself): joins {@code topic}, learns
 * its name from {@code user_info}, follows presence_state/presence_diff (or, joined with {@code
 * {"presence": "summary"}}, reads presence_count), receives {@code notification}. Confined to its
 * socket's event loop, apart from the calls that hop onto it.
 */
final class PhoenixLobbyConnection implements LobbyConnection, ClientListener {
  private final PhoenixClient client;
  private final URI url;
  private final SocketOptions options;
  private final String topic;
  private final Map<String, Object> joinParams;
  private final Events events;
  private final Roster roster;
  private final CompletableFuture<String> joined = new CompletableFuture<>();
  private volatile ClientSocket socket;
  private volatile String name;
  private volatile boolean closing;

  PhoenixLobbyConnection(
      PhoenixClient client,
      URI url,
      SocketOptions options,
      String topic,
      Map<String, Object> joinParams,
      boolean trackRoster,
      Events events) {
    this.client = client;
    this.url = url;
    this.options = options.withListener(this);
    this.topic = topic;
    this.joinParams = Map.copyOf(joinParams);
    this.events = events;
    this.roster = trackRoster ? new Roster() : null;
  }

  @Override
  public CompletableFuture<Void> connect() {
    return client
        .connect(url, options)
        .thenAccept(
            connected -> {
              socket = connected;
            });
  }

  @Override
  public CompletableFuture<String> join() {
    socket
        .join(topic, joinParams)
        .whenComplete(
            (reply, error) -> {
              if (error != null) {
                joined.completeExceptionally(error);
              } else if (!"ok".equals(ClientSocket.status(reply))) {
                joined.completeExceptionally(
                    new IllegalStateException("join refused: " + ClientSocket.response(reply)));
              }
            });
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
    socket.send(topic, "notify_all", Map.of("body", body));
  }

  @Override
  public void notifyDirect(String body, String recipient) {
    socket.send(topic, "notify_direct", Map.of("body", body, "recipient", recipient));
  }

  @Override
  public void close() {
    closing = true;
    ClientSocket s = socket;
    if (s != null) {
      s.abort();
    }
  }

  @Override
  public void onMessage(ClientSocket from, Message message) {
    switch (message.event()) {
      case "notification" -> {
        if (message.payload() instanceof Map<?, ?> payload
            && payload.get("body") instanceof String body) {
          events.notification(this, body);
        }
      }
      case "user_info" -> {
        if (message.payload() instanceof Map<?, ?> payload
            && payload.get("user_name") instanceof String userName) {
          name = userName;
          joined.complete(userName);
        }
      }
      case "presence_state" -> {
        if (roster != null) {
          roster.applyState(message.payload());
          events.rosterChanged(this);
        }
      }
      case "presence_diff" -> {
        if (roster != null) {
          roster.applyDiff(message.payload());
          events.rosterChanged(this);
        }
      }
      case "presence_count" -> {
        if (message.payload() instanceof Map<?, ?> payload
            && payload.get("count") instanceof Number count) {
          events.presenceCount(this, count.longValue());
        } else {
          events.undecodable(this, "presence_count without a count");
        }
      }
      default -> {}
    }
  }

  /**
   * The hot frames without a decode, so the tool's CPU goes to the figures it measures: a
   * notification's send time and a presence_count's count are read from their bytes (every summary
   * hero gets a count each period, N frames for N heroes), and without a roster to keep presence
   * frames (a presence_state is O(N) per join) are skipped, though counted with their bytes.
   * Anything else is decoded for {@link #onMessage}.
   */
  @Override
  public boolean onTextFrame(ClientSocket from, ByteBuf content) {
    events.received(this, content.readableBytes());
    FrameHead head = FrameHead.scan(content);
    if (head == null) {
      return false;
    }
    boolean fullPresence = head.eventIs("presence_state") || head.eventIs("presence_diff");
    if (fullPresence) {
      events.fullPresence(this);
    }
    if (head.eventIs("notification")) {
      long sentAt = NotificationBody.sentAt(head.content(), head.payloadStart(), head.payloadEnd());
      if (sentAt == NotificationBody.UNKNOWN) {
        return false;
      }
      if (sentAt != NotificationBody.NOT_OURS) {
        events.delivered(this, sentAt);
      }
      return true;
    }
    if (head.eventIs("presence_count")) {
      long count = PresenceCountBody.count(head.content(), head.payloadStart(), head.payloadEnd());
      if (count < 0) {
        return false;
      }
      events.presenceCount(this, count);
      return true;
    }
    return roster == null && fullPresence;
  }

  @Override
  public void onUndecodable(ClientSocket from, String reason) {
    events.undecodable(this, reason);
  }

  @Override
  public void onClose(ClientSocket from, CloseStatus status) {
    joined.completeExceptionally(new IllegalStateException("closed " + status.code()));
    if (!closing) {
      events.dropped(this, status.code());
    }
  }
}
