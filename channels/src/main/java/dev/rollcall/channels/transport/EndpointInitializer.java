package dev.rollcall.channels.transport;

import dev.rollcall.channels.HttpRoute;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline of a connection, in the order a frame travels.
 *
 * <pre>
 * accepted:  [tls] → idle → http (codec) → aggregator → request (upgrade, routes, static files)
 * upgraded:  [tls] → wsencoder/wsdecoder (frame codec) → [fragments] → socket
 * </pre>
 *
 * The upgrade removes the idle handler, the HTTP codec, the aggregator and the request handler, so
 * an idle WebSocket holds only the frame codec and its session (docs/benchmarks.md has the heap per
 * connection); the fragment aggregator joins with the first fragmented message ({@link
 * SocketHandler}). Idle WebSockets are found by {@link IdleSweep}, one timer for the endpoint
 * instead of one per connection. Outbound data frames bypass the frame encoder: they are written
 * pre-built ({@link FrameBytes}).
 */
final class EndpointInitializer extends ChannelInitializer<SocketChannel> {
  /** Upgrade and route requests carry no more than this; long-poll POSTs may carry a batch. */
  private static final int MAX_HTTP_REQUEST_BYTES = HttpRoute.MAX_BODY_BYTES;

  private final NettyEndpoint endpoint;

  EndpointInitializer(NettyEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    if (endpoint.sslContext() != null) {
      channel.pipeline().addLast("tls", endpoint.sslContext().newHandler(channel.alloc()));
    }
    channel
        .pipeline()
        // A connection that never completes its request goes after idleTimeout too.
        .addLast(
            "idle",
            new IdleStateHandler(
                endpoint.config().idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast("http", new HttpServerCodec())
        .addLast(
            "aggregator",
            new RequestAggregator(
                MAX_HTTP_REQUEST_BYTES,
                (int)
                    Math.min(
                        Integer.MAX_VALUE,
                        (long) endpoint.config().maxFrameBytes() * LongPollHandler.MAX_BATCH),
                endpoint.config().socketPath() + "/longpoll"))
        .addLast("request", new HttpRequestHandler(endpoint));
  }

  /**
   * After the handshake: Netty's handshaker has put "wsencoder"/"wsdecoder" where "http" was and
   * removed the codec and aggregator; the request handler makes room for the socket.
   */
  static void switchToWebSocket(
      ChannelPipeline pipeline, Connection connection, NettyEndpoint endpoint) {
    pipeline.remove("request");
    pipeline.remove("idle");
    pipeline.addLast(
        "socket",
        new SocketHandler(
            connection, endpoint.connectionClosed(), endpoint.config().maxFrameBytes()));
  }
}
