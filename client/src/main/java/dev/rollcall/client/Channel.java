package dev.rollcall.client;

import dev.rollcall.client.internal.RetryTimer;
import dev.rollcall.protocol.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One topic on a {@link Socket}, like phoenix.js's {@code Channel}: {@link #join()} once, then
 * {@link #push} events and receive them with {@link #on}. After an error (the server's {@code
 * phx_error}, a refused join, a join timeout, a lost connection) the channel rejoins by itself with
 * {@link SocketConfig#rejoinAfter()} backoff, and after a reconnect at once; {@link #leave()} ends
 * that. Pushes made while it is not joined are buffered and sent once it is. State lives on the
 * socket's thread, where every handler runs.
 */
public final class Channel {
  /** Receives the payload, ref and join_ref of an event (ref and join_ref may be null). */
  @FunctionalInterface
  interface Binding {
    void handle(Object payload, String ref, String joinRef);
  }

  private record Bound(String event, int ref, Binding callback) {}

  final Socket socket;
  private final String topic;
  private final Object params;
  private volatile ChannelState state = ChannelState.CLOSED;
  private List<Bound> bindings = new ArrayList<>();
  private final AtomicInteger bindingRef = new AtomicInteger();
  private Duration timeout;
  private final AtomicBoolean joinedOnce = new AtomicBoolean();
  private final Push joinPush;
  private final List<Push> pushBuffer = new ArrayList<>();
  final List<String> stateChangeRefs = new ArrayList<>();
  private final RetryTimer rejoinTimer;

  Channel(String topic, Object params, Socket socket) {
    this.topic = topic;
    this.params = params == null ? Map.of() : params;
    this.socket = socket;
    this.timeout = socket.timeout();
    this.joinPush = new Push(this, Message.JOIN, this.params, timeout);
    this.rejoinTimer =
        new RetryTimer(
            socket.loop,
            () -> {
              if (socket.isConnected()) {
                rejoin();
              }
            },
            socket.config().rejoinAfter());
    stateChangeRefs.add(socket.onError(error -> rejoinTimer.reset()));
    stateChangeRefs.add(
        socket.onOpen(
            () -> {
              rejoinTimer.reset();
              if (isErrored()) {
                rejoin();
              }
            }));
    joinPush.receive(
        "ok",
        response -> {
          state = ChannelState.JOINED;
          rejoinTimer.reset();
          var buffered = List.copyOf(pushBuffer);
          pushBuffer.clear();
          buffered.forEach(Push::send);
        });
    joinPush.receive(
        "error",
        response -> {
          state = ChannelState.ERRORED;
          if (socket.isConnected()) {
            rejoinTimer.scheduleTimeout();
          }
        });
    bind(
        Message.CLOSE,
        (payload, ref, joinRef) -> {
          rejoinTimer.reset();
          state = ChannelState.CLOSED;
          socket.remove(this);
        });
    bind(
        Message.ERROR,
        (payload, ref, joinRef) -> {
          if (isJoining()) {
            joinPush.reset();
          }
          state = ChannelState.ERRORED;
          if (socket.isConnected()) {
            rejoinTimer.scheduleTimeout();
          }
        });
    joinPush.receive(
        "timeout",
        response -> {
          new Push(this, Message.LEAVE, Map.of(), timeout).send();
          state = ChannelState.ERRORED;
          joinPush.reset();
          if (socket.isConnected()) {
            rejoinTimer.scheduleTimeout();
          }
        });
    bind(
        Message.REPLY,
        (payload, ref, joinRef) -> trigger(replyEventName(ref), payload, null, null));
  }

  public String topic() {
    return topic;
  }

  public ChannelState state() {
    return state;
  }

  /** {@link #join(Duration)} with the socket's timeout. */
  public Push join() {
    return join(socket.timeout());
  }

  /**
   * Joins (once per channel: a second call throws). The returned push receives the join's reply:
   * {@code "ok"}, {@code "error"} (the channel then retries with rejoin backoff) or {@code
   * "timeout"}. It receives again on each rejoin.
   */
  public Push join(Duration joinTimeout) {
    if (!joinedOnce.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "tried to join multiple times: join can only be called once per channel");
    }
    socket.onLoop(
        () -> {
          this.timeout = joinTimeout;
          rejoin(joinTimeout);
        });
    return joinPush;
  }

  /** Sends {@code event} with the socket's timeout; see {@link #push(String, Object, Duration)}. */
  public Push push(String event, Object payload) {
    return push(event, payload, socket.timeout());
  }

  /**
   * Sends {@code event} with {@code payload} (a JSON value: Map, List, String, Number, Boolean, or
   * {@code byte[]} for a binary push), now if joined, else once joined. Throws before {@link
   * #join()}.
   */
  public Push push(String event, Object payload, Duration pushTimeout) {
    if (!joinedOnce.get()) {
      throw new IllegalStateException(
          "tried to push '" + event + "' to '" + topic + "' before joining");
    }
    var push = new Push(this, event, payload, pushTimeout);
    socket.onLoop(
        () -> {
          if (canPush()) {
            push.send();
          } else {
            push.startTimeout();
            pushBuffer.add(push);
          }
        });
    return push;
  }

  /** {@link #leave(Duration)} with the channel's timeout. */
  public Push leave() {
    return leave(timeout);
  }

  /**
   * Leaves: stops rejoining, sends {@code phx_leave}, and closes the channel when the server
   * acknowledges (or at once when not connected, or on timeout), which runs the {@link #onClose}
   * handlers.
   */
  public Push leave(Duration leaveTimeout) {
    var leavePush = new Push(this, Message.LEAVE, Map.of(), leaveTimeout);
    socket.onLoop(
        () -> {
          rejoinTimer.reset();
          joinPush.cancelTimeout();
          state = ChannelState.LEAVING;
          Consumer<Object> close = response -> trigger(Message.CLOSE, "leave", null, null);
          leavePush.receive("ok", close).receive("timeout", close);
          leavePush.send();
          if (!canPush()) {
            leavePush.trigger("ok", Map.of());
          }
        });
    return leavePush;
  }

  /**
   * Calls {@code handler} with the payload of every {@code event} on this topic; returns a ref for
   * {@link #off(String, int)}.
   */
  public int on(String event, Consumer<Object> handler) {
    return bind(event, (payload, ref, joinRef) -> handler.accept(payload));
  }

  /** Removes every handler of {@code event}. */
  public void off(String event) {
    socket.onLoop(() -> unbind(event));
  }

  /** Removes the handler {@code ref} of {@code event}. */
  public void off(String event, int ref) {
    socket.onLoop(
        () -> {
          var kept = new ArrayList<Bound>(bindings.size());
          for (Bound bound : bindings) {
            if (!(bound.event().equals(event) && bound.ref() == ref)) {
              kept.add(bound);
            }
          }
          bindings = kept;
        });
  }

  /** Called when the channel closes: left, or closed by the server ({@code phx_close}). */
  public int onClose(Consumer<Object> handler) {
    return on(Message.CLOSE, handler);
  }

  /** Called when the channel errors; the payload says why. The channel rejoins by itself. */
  public int onError(Consumer<Object> handler) {
    return on(Message.ERROR, handler);
  }

  @Override
  public String toString() {
    return "Channel[" + topic + ", " + state + "]";
  }

  // --- on the socket's thread

  int bind(String event, Binding callback) {
    int ref = bindingRef.getAndIncrement();
    socket.onLoop(
        () -> {
          var more = new ArrayList<>(bindings);
          more.add(new Bound(event, ref, callback));
          bindings = more;
        });
    return ref;
  }

  void unbind(String event) {
    var kept = new ArrayList<Bound>(bindings.size());
    for (Bound bound : bindings) {
      if (!bound.event().equals(event)) {
        kept.add(bound);
      }
    }
    bindings = kept;
  }

  /** The join_ref of the current join: the ref of the join push, null before joining. */
  String joinRef() {
    return joinPush.ref();
  }

  boolean isMember(String messageTopic, String messageJoinRef) {
    return topic.equals(messageTopic)
        && (messageJoinRef == null || messageJoinRef.equals(joinRef()));
  }

  void trigger(String event, Object payload, String ref, String joinRef) {
    String effectiveJoinRef = joinRef != null ? joinRef : joinRef();
    // Handlers added or removed while dispatching replace the list: this loop sees the old one.
    for (Bound bound : bindings) {
      if (bound.event().equals(event)) {
        try {
          bound.callback().handle(payload, ref, effectiveJoinRef);
        } catch (RuntimeException e) {
          Socket.callbackFailed(e);
        }
      }
    }
  }

  static String replyEventName(String ref) {
    return "chan_reply_" + ref;
  }

  boolean isClosed() {
    return state == ChannelState.CLOSED;
  }

  boolean isErrored() {
    return state == ChannelState.ERRORED;
  }

  boolean isJoined() {
    return state == ChannelState.JOINED;
  }

  boolean isJoining() {
    return state == ChannelState.JOINING;
  }

  boolean isLeaving() {
    return state == ChannelState.LEAVING;
  }

  private boolean canPush() {
    return socket.isConnected() && isJoined();
  }

  void rejoin() {
    rejoin(timeout);
  }

  private void rejoin(Duration rejoinTimeout) {
    if (isLeaving()) {
      return;
    }
    socket.leaveOpenTopic(topic);
    state = ChannelState.JOINING;
    joinPush.resend(rejoinTimeout);
  }
}
