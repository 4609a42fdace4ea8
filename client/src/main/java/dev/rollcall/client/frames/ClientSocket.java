package dev.rollcall.client.frames;

import dev.rollcall.client.CloseStatus;
import dev.rollcall.protocol.ClientSerializer;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ReplyPayload;
import dev.rollcall.protocol.Serializer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One connection to a Phoenix Channels server (V2), like a phoenix.js {@code Socket} without the
 * reconnect logic. State is confined to the connection's event loop; every public method may be
 * called from any thread (it hops onto the event loop), and futures complete on the event loop.
 *
 * <p>Refs come from one counter per socket, as in phoenix.js; a join's join_ref equals its ref.
 * Frames go to the {@link ClientListener} of the {@link SocketOptions}, or, without one, to a
 * mailbox read by {@link #expect} and {@link #next}.
 */
public final class ClientSocket {
  private final URI uri;
  private final SocketOptions options;
  private final ClientConfig config;
  private final CompletableFuture<ClientSocket> connected = new CompletableFuture<>();
  private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
  private final Mailbox mailbox;

  private Channel channel;
  private WebSocketClientHandshaker handshaker;
  private int lastRef;
  private Map<String, CompletableFuture<Message>> pendingReplies; // created on first push
  private Map<String, String> joinRefs; // topic → join_ref of the latest join; created on join
  private ScheduledFuture<?> heartbeat;
  private CloseStatus closeFrame;
  private boolean closeSent;

  ClientSocket(URI uri, SocketOptions options, ClientConfig config) {
    this.uri = uri;
    this.options = options;
    this.config = config;
    this.mailbox = options.listener() == null ? new Mailbox() : null;
  }

  /** The URL this socket connected to, with params and vsn. */
  public URI uri() {
    return uri;
  }

  /** The local address the connection is bound to, or null before connect. */
  public InetSocketAddress localAddress() {
    Channel c = channel;
    return c == null ? null : (InetSocketAddress) c.localAddress();
  }

  public boolean isOpen() {
    return connected.isDone() && !connected.isCompletedExceptionally() && !closed.isDone();
  }

  CompletableFuture<ClientSocket> connected() {
    return connected;
  }

  /** Completes once, when the connection ends, with the server's close code or 1006. */
  public CompletableFuture<CloseStatus> closed() {
    return closed;
  }

  // --- protocol operations

  /** {@code phx_join}: completes with the {@code phx_reply} (check its status). */
  public CompletableFuture<Message> join(String topic, Object params) {
    var reply = new CompletableFuture<Message>();
    onLoop(
        () -> {
          String ref = nextRef();
          if (joinRefs == null) {
            joinRefs = new HashMap<>(2);
          }
          joinRefs.put(topic, ref);
          sendAwaiting(new Message(ref, ref, topic, Message.JOIN, params), reply);
        });
    return reply;
  }

  /** {@code phx_leave} with the topic's join_ref: completes with the reply. */
  public CompletableFuture<Message> leave(String topic) {
    return push(topic, Message.LEAVE, Map.of());
  }

  /** A push on a topic with its join_ref (null if never joined): completes with the reply. */
  public CompletableFuture<Message> push(String topic, String event, Object payload) {
    var reply = new CompletableFuture<Message>();
    onLoop(
        () -> sendAwaiting(new Message(joinRef(topic), nextRef(), topic, event, payload), reply));
    return reply;
  }

  /**
   * A push whose reply nobody awaits (events the server answers with no reply, like Phoenix's
   * {@code :noreply}); it still carries a fresh ref, as phoenix.js sends.
   */
  public void send(String topic, String event, Object payload) {
    onLoop(() -> write(new Message(joinRef(topic), nextRef(), topic, event, payload)));
  }

  /** {@code heartbeat} on {@code phoenix}: completes with the reply. */
  public CompletableFuture<Message> heartbeat() {
    var reply = new CompletableFuture<Message>();
    onLoop(
        () ->
            sendAwaiting(
                new Message(null, nextRef(), Message.PHOENIX_TOPIC, Message.HEARTBEAT, Map.of()),
                reply));
    return reply;
  }

  /** Sends a message exactly as given (refs included), for tests of odd frames. */
  public void sendMessage(Message message) {
    onLoop(() -> write(message));
  }

  /** Sends a raw text frame, for tests of bad input. */
  public void sendText(String text) {
    onLoop(() -> writeFrame(new TextWebSocketFrame(text)));
  }

  /** Sends a raw binary frame, for tests of bad input. */
  public void sendBinary(byte[] bytes) {
    onLoop(() -> writeFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))));
  }

  /** The join_ref of the latest join of a topic on this socket, or null. */
  public String joinRef(String topic) {
    Map<String, String> refs = joinRefs;
    return refs == null ? null : refs.get(topic);
  }

  /** Closes with a close frame (1000 unless given); {@link #closed()} completes when done. */
  public void close() {
    close(1000, "");
  }

  public void close(int code, String reason) {
    onLoop(
        () -> {
          if (channel.isActive() && !closeSent) {
            closeSent = true;
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
            // The server echoes the close and ends TCP; don't wait for ever if it does not.
            channel.eventLoop().schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
          }
        });
  }

  /** Drops the TCP connection without a close frame, as a crashed client would. */
  public void abort() {
    onLoop(() -> channel.close());
  }

  // --- the mailbox (only without a listener)

  /** The first received message that matches, waiting up to {@code timeout}; others stay. */
  public Message expect(Predicate<Message> matching, Duration timeout) {
    Message message = requireMailbox().take(matching, timeout);
    if (message == null) {
      throw new AssertionError(
          "no matching frame within " + timeout + "; received: " + mailbox.snapshot());
    }
    return message;
  }

  /** The first received message on {@code topic} with {@code event}. */
  public Message expect(String topic, String event, Duration timeout) {
    return expect(m -> topic.equals(m.topic()) && event.equals(m.event()), timeout);
  }

  /** The oldest received message, waiting up to {@code timeout}. */
  public Message next(Duration timeout) {
    return expect(m -> true, timeout);
  }

  /** Fails if a matching message arrives within {@code wait} (a deliberate wait: keep it short). */
  public void expectNone(Predicate<Message> matching, Duration wait) {
    Message message = requireMailbox().take(matching, wait);
    if (message != null) {
      throw new AssertionError("unexpected frame: " + message);
    }
  }

  /** Every message received so far and not yet taken, oldest first; empties the mailbox. */
  public List<Message> drain() {
    return requireMailbox().drain();
  }

  private Mailbox requireMailbox() {
    if (mailbox == null) {
      throw new IllegalStateException("this socket hands frames to its listener");
    }
    return mailbox;
  }

  // --- event loop side (called by ClientFrameHandler)

  void onActive(Channel active) {
    this.channel = active;
    var headers = new DefaultHttpHeaders();
    String subprotocol = null;
    if (options.authToken() != null) {
      // phoenix.js authToken: the token rides as a second subprotocol; the server answers
      // "phoenix".
      String token =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(options.authToken().getBytes(StandardCharsets.UTF_8));
      subprotocol = "phoenix,base64url.bearer.phx." + token;
    }
    handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            uri,
            WebSocketVersion.V13,
            subprotocol,
            false,
            headers,
            config.maxFramePayload(),
            true,
            false,
            -1,
            false,
            false);
    handshaker
        .handshake(active)
        .addListener(
            done -> {
              if (!done.isSuccess()) {
                failConnect(done.cause());
              }
            });
  }

  void onHandshakeResponse(FullHttpResponse response) {
    try {
      handshaker.finishHandshake(channel, response);
    } catch (WebSocketClientHandshakeException e) {
      int status = e.response() == null ? 0 : e.response().status().code();
      failConnect(new HandshakeException(status, "upgrade refused: " + e.getMessage()));
      return;
    } catch (RuntimeException e) {
      failConnect(new HandshakeException(0, "upgrade failed: " + e.getMessage()));
      return;
    }
    handshaker = null; // its request state is not needed any more
    channel
        .pipeline()
        .addBefore(
            "phoenix", "ws-aggregator", new WebSocketFrameAggregator(config.maxFramePayload()));
    Duration interval = options.heartbeatInterval();
    if (interval != null && !interval.isZero()) {
      long nanos = interval.toNanos();
      heartbeat =
          channel
              .eventLoop()
              .scheduleAtFixedRate(this::sendHeartbeat, nanos, nanos, TimeUnit.NANOSECONDS);
    }
    connected.complete(this);
  }

  boolean handshakeDone() {
    return handshaker == null;
  }

  void onFrame(WebSocketFrame frame) {
    switch (frame) {
      case TextWebSocketFrame text -> {
        ClientListener listener = options.listener();
        if (options.rawText()) {
          listener.onText(this, text.content());
        } else if (listener == null || !listener.onTextFrame(this, text.content())) {
          deliver(decodeText(text.content()));
        }
      }
      case BinaryWebSocketFrame binary -> deliver(decodeBinary(binary.content()));
      case PingWebSocketFrame ping ->
          channel.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      case CloseWebSocketFrame close -> {
        closeFrame = new CloseStatus(close.statusCode(), close.reasonText());
        if (closeSent) {
          channel.close(); // the server's echo of our close
        } else {
          // Echo the close (RFC 6455 §5.5.1), then end the connection.
          closeSent = true;
          channel
              .writeAndFlush(new CloseWebSocketFrame(close.statusCode(), close.reasonText()))
              .addListener(done -> channel.close());
        }
      }
      default -> {} // pong
    }
  }

  void onInactive() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    boolean wasOpen = connected.isDone() && !connected.isCompletedExceptionally();
    failConnect(new ClosedChannelException());
    CloseStatus status = closeFrame == null ? CloseStatus.abnormal() : closeFrame;
    if (pendingReplies != null) {
      var gone = new ClosedChannelException();
      pendingReplies.values().forEach(reply -> reply.completeExceptionally(gone));
      pendingReplies = null;
    }
    // A connect that failed is reported by its future only, not as a close.
    if (closed.complete(status) && options.listener() != null && wasOpen) {
      options.listener().onClose(this, status);
    }
  }

  void failConnect(Throwable cause) {
    if (connected.completeExceptionally(cause) && channel != null) {
      channel.close();
    }
  }

  private Object decodeText(ByteBuf content) {
    try {
      return ClientSerializer.INSTANCE.decodeText(ByteBufUtil.getBytes(content));
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  private Object decodeBinary(ByteBuf content) {
    try {
      return ClientSerializer.INSTANCE.decodeBinary(ByteBufUtil.getBytes(content));
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  /** A decoded message, or the reason a frame could not be decoded. */
  private void deliver(Object decoded) {
    if (!(decoded instanceof Message message)) {
      if (options.listener() != null) {
        options.listener().onUndecodable(this, String.valueOf(decoded));
      }
      return;
    }
    if (Message.REPLY.equals(message.event()) && pendingReplies != null) {
      CompletableFuture<Message> reply = pendingReplies.remove(message.ref());
      if (reply != null) {
        reply.complete(message);
      }
    }
    if (options.listener() != null) {
      options.listener().onMessage(this, message);
    } else {
      mailbox.put(message);
    }
  }

  private void sendHeartbeat() {
    write(new Message(null, nextRef(), Message.PHOENIX_TOPIC, Message.HEARTBEAT, Map.of()));
  }

  private void sendAwaiting(Message message, CompletableFuture<Message> reply) {
    if (!channel.isActive()) {
      reply.completeExceptionally(new ClosedChannelException());
      return;
    }
    if (pendingReplies == null) {
      pendingReplies = new HashMap<>(4);
    }
    pendingReplies.put(message.ref(), reply);
    write(message);
  }

  private void write(Message message) {
    Serializer.Encoded encoded = ClientSerializer.INSTANCE.encode(message);
    ByteBuf bytes = Unpooled.wrappedBuffer(encoded.bytes());
    writeFrame(encoded.binary() ? new BinaryWebSocketFrame(bytes) : new TextWebSocketFrame(bytes));
  }

  private void writeFrame(WebSocketFrame frame) {
    channel.writeAndFlush(frame, channel.voidPromise());
  }

  private String nextRef() {
    return Integer.toString(++lastRef);
  }

  private void onLoop(Runnable task) {
    Channel c = Objects.requireNonNull(channel, "not connected");
    if (c.eventLoop().inEventLoop()) {
      task.run();
    } else {
      c.eventLoop().execute(task);
    }
  }

  /** A reply's status ("ok", "error", ...), or null if the message is not a reply. */
  public static String status(Message reply) {
    return reply.payload() instanceof ReplyPayload payload ? payload.status() : null;
  }

  /** A reply's response, or null if the message is not a reply. */
  public static Object response(Message reply) {
    return reply.payload() instanceof ReplyPayload payload ? payload.response() : null;
  }

  @Override
  public String toString() {
    return "ClientSocket[" + uri + ", local " + localAddress() + "]";
  }
}
