package dev.rollcall.channels.testing;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.ExitReason;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The echo/room channel of the test socket, used by the Java spec tests and the Node conformance
 * suite. Join params: {@code {"reject": true}} refuses, {@code {"skip": [events]}} skips those
 * broadcasts, topic {@code room:crash-join} throws, {@code {"intercept": [events], "sleep": ms}}
 * intercepts those events from within the join and then sleeps. Events are listed in {@link
 * #handleIn}; an intercepted broadcast is pushed back as {@code out:<event>}, after sleeping its
 * payload's {@code sleep} ms, and a payload with {@code "release": true} ends the interception
 * first.
 */
public final class RoomChannel implements Channel {
  private final Recorder recorder;

  public RoomChannel(Recorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket)
      throws InterruptedException {
    Map<?, ?> p = params instanceof Map<?, ?> map ? map : Map.of();
    if (topic.equals("room:crash-join")) {
      throw new IllegalStateException("join blew up");
    }
    if (Boolean.TRUE.equals(p.get("reject"))) {
      return JoinResult.refuse("unauthorized");
    }
    recorder.record("join " + topic);
    if (p.get("skip") instanceof List<?> skipped) {
      socket.skipBroadcasts(skipped.stream().map(String::valueOf).collect(Collectors.toSet()));
    }
    if (p.get("intercept") instanceof List<?> events) {
      socket.intercept(events.stream().map(String::valueOf).collect(Collectors.toSet()));
      Thread.sleep(p.get("sleep") instanceof Number ms ? ms.longValue() : 0);
    }
    socket.onExit(reason -> recorder.record("exit " + topic + " " + reason));
    if (p.get("greet") != null) {
      return JoinResult.ok(Map.of("greeting", p.get("greet")));
    }
    return JoinResult.ok();
  }

  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) throws Exception {
    Map<?, ?> p = payload instanceof Map<?, ?> map ? map : Map.of();
    return switch (event) {
      case "echo" -> Reply.ok(payload);
      case "shout" -> {
        socket.broadcast("shout", payload);
        yield Reply.ok();
      }
      case "shout_as" -> {
        socket.broadcast((String) p.get("event"), payload);
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
      case "crash" -> throw new IllegalStateException("boom");
      case "stop" -> Reply.stop(Reply.ok());
      case "sleep" -> {
        Thread.sleep(((Number) p.get("ms")).longValue());
        yield Reply.ok();
      }
      case "send_self" -> {
        socket.send(payload);
        yield Reply.none();
      }
      case "subscribe" -> {
        socket.subscribe((String) p.get("topic"));
        yield Reply.ok();
      }
      case "flood" -> {
        Map<String, Object> chunk = Map.of("data", "x".repeat(((Number) p.get("size")).intValue()));
        for (int i = ((Number) p.get("count")).intValue(); i > 0; i--) {
          socket.push("flood", chunk);
        }
        yield Reply.none();
      }
      case "intercept" -> {
        socket.intercept(
            ((List<?>) p.get("events")).stream().map(String::valueOf).collect(Collectors.toSet()));
        yield Reply.ok();
      }
      case "unsubscribe" -> {
        socket.unsubscribe((String) p.get("topic"));
        yield Reply.ok();
      }
      case "assigns" -> Reply.ok(Map.copyOf(socket.assigns()));
      case "binary" -> Reply.ok(new byte[] {1, 2, 3});
      default -> Channel.super.handleIn(event, payload, socket);
    };
  }

  @Override
  public void handleOut(String event, Object payload, ChannelSocket socket)
      throws InterruptedException {
    Map<?, ?> p = payload instanceof Map<?, ?> map ? map : Map.of();
    if (Boolean.TRUE.equals(p.get("release"))) {
      socket.intercept(Set.of());
    }
    Thread.sleep(p.get("sleep") instanceof Number ms ? ms.longValue() : 0);
    socket.push("out:" + event, payload);
  }

  @Override
  public void handleInfo(Object message, ChannelSocket socket) {
    if (message instanceof Broadcast broadcast) {
      socket.push(broadcast.event(), broadcast.payload());
    } else {
      socket.push("info", message);
    }
  }

  @Override
  public void terminate(ExitReason reason, ChannelSocket socket) {
    recorder.record("terminate " + socket.topic() + " " + reason);
    if (reason == ExitReason.SHUTDOWN) {
      socket.push("bye", Map.of());
    }
  }
}
