package dev.rollcall.channels.transport;

import dev.rollcall.channels.HttpRoute;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline of a connection, in the order a frame travels.
 *
 * <pre>
 * accepted:  idle → http (codec) → aggregator → request (upgrade, routes, static files)
 * upgraded:  wsencoder/wsdecoder (frame codec) → fragments → socket
 * </pre>
 *
 * The upgrade removes the idle handler, the HTTP codec, the aggregator and the request handler, so
 * an idle WebSocket holds only the frame codec and its session (docs/architecture.md has the heap
 * per connection). Idle WebSockets are found by {@link IdleSweep}, one timer for the endpoint
 * instead of one per connection. Outbound data frames bypass the frame encoder: they are written
 * pre-built ({@link FrameBytes}).
 */
final class EndpointInitializer extends ChannelInitializer<SocketChannel> {
  /** Upgrade requests and route requests carry no body worth more than this. */
  private static final int MAX_HTTP_REQUEST_BYTES = HttpRoute.MAX_BODY_BYTES;

  private static final byte[] TOO_LARGE =
      "{\"error\":\"body_too_large\"}".getBytes(StandardCharsets.UTF_8);

  private final NettyEndpoint endpoint;

  EndpointInitializer(NettyEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channel
        .pipeline()
        // A connection that never completes its request goes after idleTimeout too.
        .addLast(
            "idle",
            new IdleStateHandler(
                endpoint.config().idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast("http", new HttpServerCodec())
        .addLast("aggregator", new JsonRefusingAggregator())
        .addLast("request", new HttpRequestHandler(endpoint));
  }

  /**
   * Netty's aggregator, but a body over the limit is refused 413 with a JSON reason (every HTTP
   * error carries one); the connection stays open when Netty's would, so the rest is discarded.
   */
  private static final class JsonRefusingAggregator extends HttpObjectAggregator {
    JsonRefusingAggregator() {
      super(MAX_HTTP_REQUEST_BYTES);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
        throws Exception {
      if (!(oversized instanceof HttpRequest)) {
        super.handleOversizedMessage(ctx, oversized);
        return;
      }
      var response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              Unpooled.wrappedBuffer(TOO_LARGE));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      HttpUtil.setContentLength(response, TOO_LARGE.length);
      boolean close =
          oversized instanceof FullHttpMessage
              || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
      if (close) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(response)
            .addListener(
                f -> {
                  if (!f.isSuccess()) {
                    ctx.close();
                  }
                });
      }
    }
  }

  /**
   * After the handshake: Netty's handshaker has put "wsencoder"/"wsdecoder" where "http" was and
   * removed the codec and aggregator; the request handler makes room for the socket.
   */
  static void switchToWebSocket(
      ChannelPipeline pipeline, Connection connection, NettyEndpoint endpoint) {
    pipeline.remove("request");
    pipeline.remove("idle");
    pipeline
        .addLast("fragments", new WebSocketFrameAggregator(endpoint.config().maxFrameBytes()))
        .addLast("socket", new SocketHandler(connection, () -> endpoint.closed(connection)));
  }
}
