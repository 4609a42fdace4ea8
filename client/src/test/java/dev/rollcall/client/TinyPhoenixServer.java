package dev.rollcall.client;

import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ReplyPayload;
import dev.rollcall.protocol.V2JsonSerializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Just enough of a Phoenix server to test the client against, on a free loopback port: joins are
 * answered ok with the connect params and subprotocol, {@code echo} replies with its payload,
 * {@code shout} pushes {@code shouted} back, {@code crash} answers {@code phx_error} as a crashed
 * channel does, {@code bye} closes with 1001, {@code drop} drops TCP; a {@code refuse} param is
 * answered 403. Heartbeats and joins are counted; heartbeats go unanswered while {@link
 * #silentHeartbeats} is set. Optionally over TLS.
 */
final class TinyPhoenixServer implements AutoCloseable {
  private static final AttributeKey<Map<String, Object>> CONNECT = AttributeKey.valueOf("connect");

  final AtomicInteger heartbeats = new AtomicInteger();
  final AtomicInteger joins = new AtomicInteger();

  /** When set, heartbeats are counted but not answered, as by a server that hangs. */
  volatile boolean silentHeartbeats;

  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;

  TinyPhoenixServer() throws InterruptedException {
    this(null);
  }

  /** Serves {@code wss://} with {@code tls}, or plain {@code ws://} when null. */
  TinyPhoenixServer(SslContext tls) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(65536))
                        .addLast(new UpgradeGate())
                        .addLast(
                            new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/socket/websocket")
                                    .checkStartsWith(true)
                                    .subprotocols("phoenix")
                                    .handleCloseFrames(true)
                                    .sendCloseFrame(null) // so "drop" drops TCP only
                                    .build()))
                        .addLast(new Frames());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Records what the upgrade carried, refuses it when asked to. */
  private static final class UpgradeGate extends SimpleChannelInboundHandler<FullHttpRequest> {
    UpgradeGate() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      var query = new QueryStringDecoder(request.uri());
      if (query.parameters().containsKey("refuse")) {
        request.release();
        ctx.writeAndFlush(
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN))
            .addListener(done -> ctx.close());
        return;
      }
      Map<String, Object> connect = new LinkedHashMap<>();
      query.parameters().forEach((k, v) -> connect.put(k, v.getFirst()));
      String protocols = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
      if (protocols != null) {
        connect.put("subprotocols", protocols);
      }
      ctx.channel().attr(CONNECT).set(connect);
      ctx.fireChannelRead(request);
    }
  }

  private final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame)
        throws ProtocolException {
      Message in =
          frame instanceof BinaryWebSocketFrame
              ? V2JsonSerializer.INSTANCE.decodeBinary(ByteBufUtil.getBytes(frame.content()))
              : V2JsonSerializer.INSTANCE.decodeText(((TextWebSocketFrame) frame).text());
      switch (in.event()) {
        case Message.HEARTBEAT -> {
          heartbeats.incrementAndGet();
          if (!silentHeartbeats) {
            reply(ctx, in, Map.of());
          }
        }
        case Message.JOIN -> {
          joins.incrementAndGet();
          reply(ctx, in, ctx.channel().attr(CONNECT).get());
        }
        case "echo" -> reply(ctx, in, in.payload());
        case "shout" ->
            write(ctx, new Message(in.joinRef(), null, in.topic(), "shouted", in.payload()));
        case "crash" ->
            write(
                ctx, new Message(in.joinRef(), in.joinRef(), in.topic(), Message.ERROR, Map.of()));
        case "bye" -> ctx.writeAndFlush(new CloseWebSocketFrame(1001, "going away"));
        case "drop" -> ctx.close();
        default -> {} // no reply
      }
    }

    private void reply(ChannelHandlerContext ctx, Message in, Object response) {
      write(
          ctx,
          new Message(
              in.joinRef(), in.ref(), in.topic(), Message.REPLY, new ReplyPayload("ok", response)));
    }

    private void write(ChannelHandlerContext ctx, Message out) {
      var encoded = V2JsonSerializer.INSTANCE.encode(out);
      var bytes = Unpooled.wrappedBuffer(encoded.bytes());
      ctx.writeAndFlush(
          encoded.binary() ? new BinaryWebSocketFrame(bytes) : new TextWebSocketFrame(bytes));
    }
  }
}
