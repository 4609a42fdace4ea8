package dev.rollcall.client;

import dev.rollcall.client.internal.EndpointUrl;
import dev.rollcall.client.internal.EventLoops;
import dev.rollcall.client.internal.RetryTimer;
import dev.rollcall.client.internal.WebSocketConnection;
import dev.rollcall.protocol.Message;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A connection to a Phoenix endpoint that stays up, like phoenix.js's {@code Socket}: it connects,
 * sends a heartbeat every {@link SocketConfig#heartbeatInterval()}, reconnects with {@link
 * SocketConfig#reconnectAfter()} backoff when the connection drops or a heartbeat goes unanswered,
 * and multiplexes {@link Channel}s, which rejoin after a reconnect.
 *
 * <p>Threading: each socket lives on one event loop thread (from a small shared pool of daemon
 * threads), and every callback of the socket, its channels, pushes and presences runs on that
 * thread, one at a time, in the order frames arrive. Callbacks must not block it. Every public
 * method may be called from any thread; calls from other threads are queued to the socket's thread
 * and run there in call order.
 */
public final class Socket {
  private static final System.Logger LOG = System.getLogger(Socket.class.getName());
  private static final int CLOSE_NORMAL = 1000;

  private final URI endpointUrl;
  private final SocketConfig config;
  private final SslContext ssl;
  final EventLoop loop;
  private final RetryTimer reconnectTimer;

  private final List<Callback<Void>> openCallbacks = new ArrayList<>();
  private final List<Callback<CloseStatus>> closeCallbacks = new ArrayList<>();
  private final List<Callback<Throwable>> errorCallbacks = new ArrayList<>();
  private final List<Callback<Message>> messageCallbacks = new ArrayList<>();
  private List<Channel> channels = new ArrayList<>();
  private final List<Runnable> sendBuffer = new ArrayList<>();
  private volatile WebSocketConnection connection; // volatile for isConnected off the loop
  private boolean closeWasClean = true;
  private final Map<WebSocketConnection, List<CompletableFuture<Void>>> disconnecting =
      new HashMap<>();
  private int ref;
  private final AtomicInteger callbackRefs = new AtomicInteger();
  private String pendingHeartbeatRef;
  private ScheduledFuture<?> heartbeatTimer;
  private ScheduledFuture<?> heartbeatTimeoutTimer;

  private record Callback<T>(String ref, Consumer<T> callback) {}

  /** A socket for {@code endpoint} (such as {@code ws://localhost:4000/socket}) with defaults. */
  public Socket(String endpoint) {
    this(endpoint, SocketConfig.defaults());
  }

  /**
   * A socket for {@code endpoint}: {@code ws://} or {@code wss://} and the socket's path as mounted
   * in the endpoint ({@code /socket}); {@code /websocket}, the params and {@code vsn=2.0.0} are
   * appended as phoenix.js does. Nothing connects until {@link #connect()}.
   */
  public Socket(String endpoint, SocketConfig config) {
    this.config = config;
    this.endpointUrl = EndpointUrl.of(endpoint, config.params());
    this.ssl = "wss".equals(endpointUrl.getScheme()) ? sslContext(config) : null;
    this.loop = EventLoops.shared().next();
    this.reconnectTimer = new RetryTimer(loop, this::reconnect, config.reconnectAfter());
  }

  /** The URL connections go to: endpoint, {@code /websocket}, params and {@code vsn}. */
  public URI endpointUrl() {
    return endpointUrl;
  }

  public SocketConfig config() {
    return config;
  }

  /** Connects unless connected or connecting; after a drop it reconnects by itself. */
  public void connect() {
    onLoop(
        () -> {
          if (connection != null) {
            return;
          }
          transportConnect();
        });
  }

  /** {@link #disconnect(int, String)} with 1000 (normal closure). */
  public CompletableFuture<Void> disconnect() {
    return disconnect(CLOSE_NORMAL, "");
  }

  /**
   * Closes the connection and stops reconnecting; channels stay and rejoin on the next {@link
   * #connect()}. Completes when the connection is closed.
   */
  public CompletableFuture<Void> disconnect(int code, String reason) {
    var done = new CompletableFuture<Void>();
    onLoop(
        () -> {
          closeWasClean = true;
          reconnectTimer.reset();
          WebSocketConnection current = connection;
          if (current == null) {
            done.complete(null);
            return;
          }
          disconnecting.computeIfAbsent(current, c -> new ArrayList<>()).add(done);
          teardown(current, code, reason, "connection_closed");
        });
    return done;
  }

  /** Whether the connection is open now (a snapshot when called off the socket's thread). */
  public boolean isConnected() {
    WebSocketConnection current = connection;
    return current != null && current.isOpen();
  }

  /** Registers a callback for each time a connection opens; returns its ref for {@link #off}. */
  public String onOpen(Runnable callback) {
    return register(openCallbacks, ignored -> callback.run());
  }

  /** Registers a callback for each time a connection closes, with its close code and reason. */
  public String onClose(Consumer<CloseStatus> callback) {
    return register(closeCallbacks, callback);
  }

  /** Registers a callback for connection errors (refused connect, refused upgrade, TLS, ...). */
  public String onError(Consumer<Throwable> callback) {
    return register(errorCallbacks, callback);
  }

  /** Registers a callback for every message received, after its channels handled it. */
  public String onMessage(Consumer<Message> callback) {
    return register(messageCallbacks, callback);
  }

  /** Removes the {@code onOpen}/{@code onClose}/{@code onError}/{@code onMessage} callbacks. */
  public void off(String... refs) {
    Set<String> gone = Set.of(refs);
    onLoop(
        () -> {
          openCallbacks.removeIf(c -> gone.contains(c.ref()));
          closeCallbacks.removeIf(c -> gone.contains(c.ref()));
          errorCallbacks.removeIf(c -> gone.contains(c.ref()));
          messageCallbacks.removeIf(c -> gone.contains(c.ref()));
        });
  }

  /** A new channel for {@code topic} with no join params; join it with {@link Channel#join()}. */
  public Channel channel(String topic) {
    return channel(topic, Map.of());
  }

  /** A new channel for {@code topic}; {@code params} go with every join and rejoin. */
  public Channel channel(String topic, Object params) {
    var channel = new Channel(topic, params, this);
    onLoop(() -> channels.add(channel));
    return channel;
  }

  /** The next message ref, unique on this socket. */
  String makeRef() {
    ref = ref == Integer.MAX_VALUE ? 0 : ref + 1;
    return Integer.toString(ref);
  }

  // --- used by channels and pushes, on the loop

  void push(Message message, Channel channel) {
    if (isConnected()) {
      send(message, channel);
    } else {
      sendBuffer.add(
          () -> {
            // The channel may have errored or left while the push waited; its rejoin supersedes it.
            if (!isOutdated(message, channel)) {
              send(message, channel);
            }
          });
    }
  }

  void remove(Channel channel) {
    off(channel.stateChangeRefs.toArray(String[]::new));
    var rest = new ArrayList<>(channels);
    rest.remove(channel);
    channels = rest;
  }

  void leaveOpenTopic(String topic) {
    for (Channel c : channels) {
      if (c.topic().equals(topic) && (c.isJoined() || c.isJoining())) {
        c.leave();
        return;
      }
    }
  }

  Duration timeout() {
    return config.timeout();
  }

  void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /** Runs a user callback; an exception there is logged and does not break the socket. */
  static <T> void call(Consumer<T> callback, T value) {
    try {
      callback.accept(value);
    } catch (RuntimeException e) {
      callbackFailed(e);
    }
  }

  static void callbackFailed(RuntimeException e) {
    LOG.log(Level.WARNING, "a client callback threw", e);
  }

  // --- connection lifecycle, on the loop

  private void transportConnect() {
    closeWasClean = false;
    // A reconnect scheduled before would tear down the new connection; its tries stay.
    reconnectTimer.cancelPending();
    var target =
        new WebSocketConnection.Target(
            endpointUrl,
            ssl,
            config.authToken(),
            config.connectTimeout(),
            config.maxFramePayload());
    connection = WebSocketConnection.open(loop, target, new ConnectionEvents());
  }

  private void reconnect() {
    if (!closeWasClean && connection == null) {
      transportConnect();
    }
  }

  /** Closes a connection we are done with; its channels error so that they rejoin later. */
  private void teardown(WebSocketConnection current, int code, String reason, String why) {
    clearHeartbeats();
    boolean wasOpen = current.isOpen();
    connection = null;
    current.close(code, reason);
    if (wasOpen) {
      triggerChanError(why);
    }
    if (current.state() == WebSocketConnection.State.CLOSED) {
      finishDisconnects(current);
    }
  }

  private void finishDisconnects(WebSocketConnection closed) {
    List<CompletableFuture<Void>> waiting = disconnecting.remove(closed);
    if (waiting != null) {
      waiting.forEach(done -> done.complete(null));
    }
  }

  private final class ConnectionEvents implements WebSocketConnection.Events {
    @Override
    public void onOpen(WebSocketConnection opened) {
      if (opened != connection) {
        return;
      }
      closeWasClean = false;
      flushSendBuffer();
      reconnectTimer.reset();
      resetHeartbeat();
      List.copyOf(openCallbacks).forEach(c -> call(c.callback(), null));
    }

    @Override
    public void onMessage(WebSocketConnection from, Message message) {
      if (from != connection) {
        return;
      }
      if (message.ref() != null && message.ref().equals(pendingHeartbeatRef)) {
        clearHeartbeats();
        heartbeatTimer = schedule(Socket.this::sendHeartbeat, config.heartbeatInterval());
      }
      // Removing a channel while dispatching replaces the list, so this loop sees all of them.
      List<Channel> current = channels;
      for (Channel channel : current) {
        if (channel.isMember(message.topic(), message.joinRef())) {
          channel.trigger(message.event(), message.payload(), message.ref(), message.joinRef());
        }
      }
      List.copyOf(messageCallbacks).forEach(c -> call(c.callback(), message));
    }

    @Override
    public void onUndecodable(WebSocketConnection from, String reason) {
      LOG.log(Level.WARNING, "dropped a frame that is not a Phoenix message: {0}", reason);
    }

    @Override
    public void onError(WebSocketConnection from, Throwable cause) {
      List.copyOf(errorCallbacks).forEach(c -> call(c.callback(), cause));
      if (from == connection) {
        triggerChanError("connection_error");
      }
    }

    @Override
    public void onClose(WebSocketConnection closed, int code, String reason) {
      if (closed == connection) {
        // Not closed by us: the server, a proxy or the network ended it; reconnect whatever the
        // code (servers and load balancers close with 1000 too).
        clearHeartbeats();
        connection = null;
        triggerChanError("connection_closed");
        if (!closeWasClean) {
          reconnectTimer.scheduleTimeout();
        }
      }
      finishDisconnects(closed);
      var status = new CloseStatus(code, reason);
      List.copyOf(closeCallbacks).forEach(c -> call(c.callback(), status));
    }
  }

  private void triggerChanError(String reason) {
    for (Channel channel : List.copyOf(channels)) {
      if (!(channel.isErrored() || channel.isLeaving() || channel.isClosed())) {
        channel.trigger(Message.ERROR, Map.of("source", "transport", "reason", reason), null, null);
      }
    }
  }

  private void flushSendBuffer() {
    if (isConnected() && !sendBuffer.isEmpty()) {
      var buffered = List.copyOf(sendBuffer);
      sendBuffer.clear();
      buffered.forEach(Runnable::run);
    }
  }

  private void send(Message message, Channel channel) {
    if (!Message.LEAVE.equals(message.event()) && isOutdated(message, channel)) {
      return;
    }
    connection.send(message);
  }

  /** Whether a push was made for an earlier join of its channel, or the channel left since. */
  private static boolean isOutdated(Message message, Channel channel) {
    return channel != null
        && (!Objects.equals(message.joinRef(), channel.joinRef()) || channel.isClosed());
  }

  // --- heartbeats, on the loop

  private void resetHeartbeat() {
    clearHeartbeats();
    heartbeatTimer = schedule(this::sendHeartbeat, config.heartbeatInterval());
  }

  private void clearHeartbeats() {
    if (heartbeatTimer != null) {
      heartbeatTimer.cancel(false);
      heartbeatTimer = null;
    }
    if (heartbeatTimeoutTimer != null) {
      heartbeatTimeoutTimer.cancel(false);
      heartbeatTimeoutTimer = null;
    }
    // A late reply to the pending heartbeat must not start the heartbeats again.
    pendingHeartbeatRef = null;
  }

  private void sendHeartbeat() {
    if (!isConnected()) {
      return;
    }
    pendingHeartbeatRef = makeRef();
    push(
        new Message(null, pendingHeartbeatRef, Message.PHOENIX_TOPIC, Message.HEARTBEAT, Map.of()),
        null);
    heartbeatTimeoutTimer = schedule(this::heartbeatTimeout, config.heartbeatInterval());
  }

  private void heartbeatTimeout() {
    WebSocketConnection current = connection;
    if (pendingHeartbeatRef == null || current == null) {
      return;
    }
    LOG.log(Level.DEBUG, "heartbeat timeout; reconnecting to {0}", endpointUrl);
    closeWasClean = false;
    // The connection is presumed dead: give it up now so that channels error and rejoin on the
    // next.
    teardown(current, CLOSE_NORMAL, "heartbeat timeout", "heartbeat_timeout");
    reconnectTimer.scheduleTimeout();
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration after) {
    return loop.schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
  }

  private <T> String register(List<Callback<T>> callbacks, Consumer<T> callback) {
    String callbackRef = "cb" + callbackRefs.incrementAndGet();
    onLoop(() -> callbacks.add(new Callback<>(callbackRef, callback)));
    return callbackRef;
  }

  private static SslContext sslContext(SocketConfig config) {
    try {
      return SslContextBuilder.forClient()
          .trustManager(config.trustManagers())
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Socket[" + endpointUrl + "]";
  }
}
