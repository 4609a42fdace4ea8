package dev.rollcall.client.internal;

import dev.rollcall.protocol.ClientSerializer;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.Serializer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection of a {@code Socket}, like the browser's {@code WebSocket} under
 * phoenix.js: connecting, open, closing, closed; reports open, each decoded message, an error and
 * then exactly one close to its {@link Events}. Confined to the event loop it was created on; every
 * method must be called there, and every event is reported there.
 */
public final class WebSocketConnection {

  /** What a connection reports, always on its event loop. */
  public interface Events {
    void onOpen(WebSocketConnection connection);

    void onMessage(WebSocketConnection connection, Message message);

    /** A frame that is not a Phoenix message; the connection stays open. */
    void onUndecodable(WebSocketConnection connection, String reason);

    void onError(WebSocketConnection connection, Throwable cause);

    /** Once, last: the close frame's code and reason, or 1006 without one. */
    void onClose(WebSocketConnection connection, int code, String reason);
  }

  /** How to connect: the full URL (params and vsn included) and the limits. */
  public record Target(
      URI uri, SslContext ssl, String authToken, Duration connectTimeout, int maxFramePayload) {}

  public enum State {
    CONNECTING,
    OPEN,
    CLOSING,
    CLOSED
  }

  private static final int ABNORMAL = 1006;

  private final EventLoop loop;
  private final Events events;
  private volatile State state = State.CONNECTING; // volatile: isOpen is read off the loop
  private Channel channel;
  private WebSocketClientHandshaker handshaker;
  private ScheduledFuture<?> handshakeTimeout;
  private int closeCode = ABNORMAL;
  private String closeReason = "";
  private boolean closeSent;
  private boolean reportedClose;
  private boolean active;

  private WebSocketConnection(EventLoop loop, Events events) {
    this.loop = loop;
    this.events = events;
  }

  /** Starts connecting on {@code loop}; call on that loop. */
  public static WebSocketConnection open(EventLoop loop, Target target, Events events) {
    var connection = new WebSocketConnection(loop, events);
    connection.start(target);
    return connection;
  }

  public State state() {
    return state;
  }

  public boolean isOpen() {
    return state == State.OPEN;
  }

  /** Sends one message; dropped unless open (as a closing browser WebSocket drops sends). */
  public void send(Message message) {
    if (state != State.OPEN) {
      return;
    }
    Serializer.Encoded encoded = ClientSerializer.INSTANCE.encode(message);
    var bytes = Unpooled.wrappedBuffer(encoded.bytes());
    WebSocketFrame frame =
        encoded.binary() ? new BinaryWebSocketFrame(bytes) : new TextWebSocketFrame(bytes);
    channel.writeAndFlush(frame, channel.voidPromise());
  }

  /** Starts the closing handshake (or drops a connection still connecting). */
  public void close(int code, String reason) {
    switch (state) {
      case CONNECTING -> {
        state = State.CLOSING;
        if (channel != null) {
          channel.close();
        }
      }
      case OPEN -> {
        state = State.CLOSING;
        closeSent = true;
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
        // The server echoes the close and ends TCP; don't wait for ever if it does not.
        loop.schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
      }
      default -> {}
    }
  }

  private void start(Target target) {
    URI uri = target.uri();
    boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
    var bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(EventLoops.channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, target.connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (secure) {
                      ch.pipeline().addLast("tls", target.ssl().newHandler(ch.alloc(), host, port));
                    }
                    ch.pipeline()
                        .addLast("http", new HttpClientCodec())
                        .addLast("http-aggregator", new HttpObjectAggregator(16 * 1024))
                        .addLast("phoenix", new Handler(target));
                  }
                });
    var connecting = bootstrap.connect(new InetSocketAddress(host, port));
    channel = connecting.channel();
    // A connection that became active reports its close from channelInactive, after the HTTP
    // decoder flushed what it held (a refused upgrade's response); one that never did, here.
    channel
        .closeFuture()
        .addListener(
            closed -> {
              if (!active) {
                reportClose();
              }
            });
    connecting.addListener(
        done -> {
          if (!done.isSuccess()) {
            fail(done.cause());
          }
        });
    handshakeTimeout =
        loop.schedule(
            () -> fail(new IOException("no WebSocket upgrade within the connect timeout")),
            target.connectTimeout().toNanos() * 2,
            TimeUnit.NANOSECONDS);
  }

  private void fail(Throwable cause) {
    if (state == State.CONNECTING || state == State.OPEN) {
      state = State.CLOSING;
      events.onError(this, cause);
    }
    channel.close();
  }

  private void reportClose() {
    if (reportedClose) {
      return;
    }
    reportedClose = true;
    if (state == State.CONNECTING) {
      // As a browser WebSocket: a connection that never opened reports an error before its close.
      events.onError(this, new IOException("connection closed before the WebSocket upgrade"));
    }
    state = State.CLOSED;
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    events.onClose(this, closeCode, closeReason);
  }

  private void onFrame(WebSocketFrame frame) {
    switch (frame) {
      case TextWebSocketFrame text -> {
        if (state == State.OPEN) {
          decoded(text.content(), false);
        }
      }
      case BinaryWebSocketFrame binary -> {
        if (state == State.OPEN) {
          decoded(binary.content(), true);
        }
      }
      case PingWebSocketFrame ping ->
          channel.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      case CloseWebSocketFrame close -> {
        closeCode = close.statusCode() < 0 ? 1005 : close.statusCode();
        closeReason = close.reasonText();
        state = State.CLOSING;
        if (closeSent) {
          channel.close(); // the server's echo of our close
        } else {
          closeSent = true;
          channel
              .writeAndFlush(new CloseWebSocketFrame(close.statusCode(), close.reasonText()))
              .addListener(done -> channel.close());
        }
      }
      default -> {} // pong
    }
  }

  private void decoded(ByteBuf content, boolean binary) {
    byte[] bytes = ByteBufUtil.getBytes(content);
    Message message;
    try {
      message =
          binary
              ? ClientSerializer.INSTANCE.decodeBinary(bytes)
              : ClientSerializer.INSTANCE.decodeText(bytes);
    } catch (ProtocolException e) {
      events.onUndecodable(
          this,
          e.getMessage()
              + ": "
              + new String(bytes, 0, Math.min(200, bytes.length), StandardCharsets.UTF_8));
      return;
    }
    events.onMessage(this, message);
  }

  /** The last handler of the pipeline: the 101 answer, then frames. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    private final Target target;

    Handler(Target target) {
      this.target = target;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      active = true;
      if (state == State.CLOSING) {
        ctx.close();
        return;
      }
      String subprotocol = null;
      if (target.authToken() != null) {
        // As phoenix.js: the token rides as a second subprotocol; the server answers "phoenix".
        subprotocol =
            "phoenix,base64url.bearer.phx."
                + Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(target.authToken().getBytes(StandardCharsets.UTF_8));
      }
      handshaker =
          WebSocketClientHandshakerFactory.newHandshaker(
              target.uri(),
              WebSocketVersion.V13,
              subprotocol,
              false,
              new DefaultHttpHeaders(),
              target.maxFramePayload(),
              true,
              false,
              -1,
              false,
              false);
      handshaker
          .handshake(ctx.channel())
          .addListener(
              done -> {
                if (!done.isSuccess()) {
                  fail(done.cause());
                }
              });
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (handshaker != null && msg instanceof FullHttpResponse response) {
          try {
            handshaker.finishHandshake(ctx.channel(), response);
          } catch (RuntimeException e) {
            fail(e);
            return;
          }
          handshaker = null;
          handshakeTimeout.cancel(false);
          ctx.pipeline()
              .addBefore(
                  "phoenix",
                  "ws-aggregator",
                  new WebSocketFrameAggregator(target.maxFramePayload()));
          if (state == State.CONNECTING) {
            state = State.OPEN;
            events.onOpen(WebSocketConnection.this);
          } else {
            ctx.close();
          }
        } else if (msg instanceof WebSocketFrame frame) {
          onFrame(frame);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      reportClose();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause);
    }
  }
}
