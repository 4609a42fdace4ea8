package dev.rollcall.presence;

import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import dev.rollcall.presence.Presence.Result;
import java.util.Map;

/**
 * A room as Phoenix's guides write one: join with {@code {user}}, then track and push {@code
 * presence_state}; {@code update} replaces the meta, {@code untrack} removes it, {@code list}
 * replies with the server's list. One instance per joined channel; callbacks serial.
 */
final class PresenceRoomChannel implements Channel {
  private enum AfterJoin {
    INSTANCE
  }

  private final Presence presence;
  private String user;

  PresenceRoomChannel(Presence presence) {
    this.presence = presence;
  }

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) {
    if (!(params instanceof Map<?, ?> map) || !(map.get("user") instanceof String name)) {
      return JoinResult.refuse("user required");
    }
    user = name;
    socket.send(AfterJoin.INSTANCE);
    return JoinResult.ok();
  }

  @Override
  public void handleInfo(Object message, ChannelSocket socket) throws Exception {
    if (message instanceof AfterJoin) {
      Result tracked =
          presence.track(socket, user, Map.of("online_at", System.currentTimeMillis() / 1000));
      if (tracked instanceof Result.Error error) {
        throw new IllegalStateException("track failed: " + error.reason());
      }
      socket.push("presence_state", presence.list(socket.topic()));
    } else {
      Channel.super.handleInfo(message, socket);
    }
  }

  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) throws Exception {
    return switch (event) {
      case "list" -> Reply.ok(Map.of("presences", presence.list(socket.topic())));
      case "update" -> {
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) payload;
        yield reply(presence.update(socket, user, meta));
      }
      case "untrack" -> reply(presence.untrack(socket, user));
      default -> Channel.super.handleIn(event, payload, socket);
    };
  }

  private static Reply reply(Result result) {
    return switch (result) {
      case Result.Ok ok -> Reply.ok(Map.of("phx_ref", ok.phxRef()));
      case Result.Error error -> Reply.error(error.reason());
    };
  }
}
