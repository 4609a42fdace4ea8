package dev.rollcall.channels.hardening;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import java.util.Map;

/**
 * The fuzz target on {@code room:*}: the well-behaved events of the test RoomChannel (echo, shout,
 * shout_others, push, noreply, refuse, stop, send_self, assigns, binary; any other event crashes
 * the channel in one log line), but it records nothing, so the heap after a long fuzz shows only
 * what the server keeps.
 */
final class EchoRoomChannel implements Channel {

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) {
    return JoinResult.ok();
  }

  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) throws Exception {
    return switch (event) {
      case "echo" -> Reply.ok(payload);
      case "shout" -> {
        socket.broadcast("shout", payload);
        yield Reply.ok();
      }
      case "shout_others" -> {
        socket.broadcastFrom("shout", payload);
        yield Reply.ok();
      }
      case "push" -> {
        socket.push("pushed", payload);
        yield Reply.none();
      }
      case "noreply" -> Reply.none();
      case "refuse" -> Reply.error("nope");
      case "stop" -> Reply.stop(Reply.ok());
      case "send_self" -> {
        socket.send(payload);
        yield Reply.none();
      }
      case "assigns" -> Reply.ok(Map.copyOf(socket.assigns()));
      case "binary" -> Reply.ok(new byte[] {1, 2, 3});
      default -> Channel.super.handleIn(event, payload, socket);
    };
  }

  @Override
  public void handleInfo(Object message, ChannelSocket socket) {
    if (message instanceof Broadcast broadcast) {
      socket.push(broadcast.event(), broadcast.payload());
    } else {
      socket.push("info", message);
    }
  }
}
