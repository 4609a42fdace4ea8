package dev.rollcall.channels.hardening;

import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A channel that holds its mailbox shut until the test opens a latch: {@code block} waits on it (at
 * most 30 s, so a failed test cannot hang), {@code n} records its payload's {@code "n"} in arrival
 * order without a reply, {@code throw} crashes, anything else echoes its payload.
 */
final class GateChannel implements Channel {
  private final CountDownLatch open;
  private final Queue<Integer> handled;

  GateChannel(CountDownLatch open, Queue<Integer> handled) {
    this.open = open;
    this.handled = handled;
  }

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) {
    return JoinResult.ok();
  }

  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) throws Exception {
    return switch (event) {
      case "block" -> {
        open.await(30, TimeUnit.SECONDS);
        yield Reply.none();
      }
      case "n" -> {
        handled.add(((Number) ((Map<?, ?>) payload).get("n")).intValue());
        yield Reply.none();
      }
      case "throw" -> throw new IllegalStateException("crashing on purpose");
      default -> Reply.ok(payload);
    };
  }
}
