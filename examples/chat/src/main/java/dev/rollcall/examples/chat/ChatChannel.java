package dev.rollcall.examples.chat;

import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import dev.rollcall.presence.Presence;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One user in one room ({@code room:<name>}): tracks them in presence, replays the room's history,
 * relays new messages and publishes typing as a presence meta update.
 *
 * <p>Callbacks of one instance run one at a time, so its fields need no locking.
 */
public final class ChatChannel implements Channel {
  private final Presence presence;
  private final ChatHistory history;
  private String user;
  private Map<String, Object> meta;

  public ChatChannel(Presence presence, ChatHistory history) {
    this.presence = presence;
    this.history = history;
  }

  // tag::join[]
  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) {
    if (!(params instanceof Map<?, ?> map && map.get("user") instanceof String name)
        || name.isBlank()
        || name.length() > 40) {
      return JoinResult.refuse("user must be a name of 1 to 40 characters");
    }
    user = name;
    history.follow(topic);
    meta = Map.of("typing", false, "online_at", now());
    if (presence.track(socket, user, meta) instanceof Presence.Result.Error error) {
      return JoinResult.refuse(error.reason());
    }
    socket.send(AfterJoin.INSTANCE); // pushes must follow the join reply
    return JoinResult.ok();
  }

  // end::join[]

  // tag::handleInfo[]
  private enum AfterJoin {
    INSTANCE
  }

  @Override
  public void handleInfo(Object message, ChannelSocket socket) throws Exception {
    if (message == AfterJoin.INSTANCE) {
      socket.push("presence_state", presence.list(socket.topic()));
      socket.push("history", Map.of("messages", history.recent(socket.topic())));
    } else {
      Channel.super.handleInfo(message, socket);
    }
  }

  // end::handleInfo[]

  // tag::handleIn[]
  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) {
    Map<?, ?> body = payload instanceof Map<?, ?> map ? map : Map.of();
    return switch (event) {
      case "new_msg" -> {
        if (!(body.get("body") instanceof String text) || text.isBlank() || text.length() > 2000) {
          yield Reply.error("body must be text of 1 to 2000 characters");
        }
        // To every node's subscribers of the room: its users, and its history.
        socket.broadcast("new_msg", Map.of("user", user, "body", text, "at", now()));
        yield Reply.ok();
      }
      case "typing" -> {
        if (!(body.get("typing") instanceof Boolean typing)) {
          yield Reply.error("typing must be true or false");
        }
        Map<String, Object> updated = new LinkedHashMap<>(meta);
        updated.put("typing", typing);
        if (presence.update(socket, user, updated) instanceof Presence.Result.Error error) {
          yield Reply.error(error.reason());
        }
        meta = updated;
        yield Reply.ok();
      }
      default -> Reply.error("unknown event " + event);
    };
  }

  // end::handleIn[]

  private static long now() {
    return System.currentTimeMillis();
  }
}
