package dev.rollcall.client;

import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ReplyPayload;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One message sent on a {@link Channel} and the reply it waits for, like phoenix.js's {@code Push}:
 * register what to do with {@link #receive}. A push that gets no reply within its timeout receives
 * {@code "timeout"}; a push made while its channel is not joined waits in the channel's buffer (its
 * timeout already running) and goes out once the channel joins. State lives on its socket's thread.
 */
public final class Push {
  private final Channel channel;
  private final String event;
  private final Object payload;
  private Duration timeout;
  private ReplyPayload received;
  private ScheduledFuture<?> timeoutTimer;
  private final List<Hook> hooks = new ArrayList<>();
  private String ref;
  private String refEvent;

  private record Hook(String status, Consumer<Object> callback) {}

  Push(Channel channel, String event, Object payload, Duration timeout) {
    this.channel = channel;
    this.event = event;
    this.payload = payload == null ? Map.of() : payload;
    this.timeout = timeout;
  }

  public String event() {
    return event;
  }

  /**
   * Calls {@code callback} with the response when the reply has {@code status} ({@code "ok"},
   * {@code "error"}, or {@code "timeout"}); at once (on the socket's thread) if it already had.
   * Returns this push, to chain receivers as in phoenix.js.
   */
  public Push receive(String status, Consumer<Object> callback) {
    channel.socket.onLoop(
        () -> {
          if (hasReceived(status)) {
            Socket.call(callback, received.response());
          }
          hooks.add(new Hook(status, callback));
        });
    return this;
  }

  /** The first reply (ok, error or timeout), as a future completed on the socket's thread. */
  public CompletableFuture<Reply> reply() {
    var reply = new CompletableFuture<Reply>();
    for (String status : List.of("ok", "error", "timeout")) {
      receive(status, response -> reply.complete(new Reply(status, response)));
    }
    return reply;
  }

  // --- on the socket's thread

  void resend(Duration newTimeout) {
    this.timeout = newTimeout;
    reset();
    send();
  }

  void send() {
    if (hasReceived("timeout")) {
      return;
    }
    startTimeout();
    channel.socket.push(
        new Message(channel.joinRef(), ref, channel.topic(), event, payload), channel);
  }

  void reset() {
    cancelRefEvent();
    ref = null;
    refEvent = null;
    received = null;
  }

  String ref() {
    return ref;
  }

  void startTimeout() {
    if (timeoutTimer != null) {
      cancelTimeout();
    }
    cancelRefEvent();
    ref = channel.socket.makeRef();
    refEvent = Channel.replyEventName(ref);
    channel.bind(
        refEvent,
        (reply, replyRef, joinRef) -> {
          cancelRefEvent();
          cancelTimeout();
          received =
              reply instanceof ReplyPayload payload ? payload : new ReplyPayload(null, reply);
          matchReceive(received);
        });
    timeoutTimer =
        channel.socket.loop.schedule(
            () -> trigger("timeout", Map.of()), timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  void cancelTimeout() {
    if (timeoutTimer != null) {
      timeoutTimer.cancel(false);
      timeoutTimer = null;
    }
  }

  void trigger(String status, Object response) {
    channel.trigger(refEvent, new ReplyPayload(status, response), null, null);
  }

  private void matchReceive(ReplyPayload reply) {
    for (Hook hook : List.copyOf(hooks)) {
      if (hook.status().equals(reply.status())) {
        Socket.call(hook.callback(), reply.response());
      }
    }
  }

  private void cancelRefEvent() {
    if (refEvent != null) {
      channel.unbind(refEvent);
    }
  }

  private boolean hasReceived(String status) {
    return received != null && status.equals(received.status());
  }
}
