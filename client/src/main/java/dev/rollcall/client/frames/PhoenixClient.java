package dev.rollcall.client.frames;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens {@link ClientSocket}s on a shared set of event loops; thread-safe. Close it to stop the
 * event loops (which closes every socket it opened).
 *
 * <pre>
 * try (var client = new PhoenixClient(ClientConfig.defaults())) {
 *   ClientSocket socket = client.connect(URI.create("ws://127.0.0.1:4000/socket/websocket")).get();
 *   socket.join("room:lobby", Map.of()).get();
 *   Message hello = socket.expect("room:lobby", "hello", Duration.ofSeconds(1));
 * }
 * </pre>
 */
public final class PhoenixClient implements AutoCloseable {
  private final ClientConfig config;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;

  public PhoenixClient(ClientConfig config) {
    this.config = config;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), io);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
    if (epoll) {
      // With a local address (SocketOptions.withLocalAddress), the port is picked at connect, per
      // destination: a bind to port 0 must find a port free for every destination, a search that
      // slows down as the range fills and blocks the event loop (tens of thousands of sockets from
      // one address).
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
  }

  public ClientConfig config() {
    return config;
  }

  /** Connects with {@link SocketOptions#defaults()}. */
  public CompletableFuture<ClientSocket> connect(URI uri) {
    return connect(uri, SocketOptions.defaults());
  }

  /**
   * Connects and completes once the server answered 101; fails with a {@link HandshakeException}
   * (refused upgrade, timeout) or the connect error. Never hangs: both steps have a timeout.
   */
  public CompletableFuture<ClientSocket> connect(URI uri, SocketOptions options) {
    URI full = withParams(uri, options.params());
    var socket = new ClientSocket(full, options, config);
    String host = full.getHost();
    int port = full.getPort() > 0 ? full.getPort() : 80;
    Bootstrap connector =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    // HTTP only for the upgrade: the handshaker swaps both for WebSocket codecs.
                    channel
                        .pipeline()
                        .addLast("http", new HttpClientCodec())
                        .addLast("http-aggregator", new HttpObjectAggregator(16 * 1024))
                        .addLast("phoenix", new ClientFrameHandler(socket));
                  }
                });
    var remote = new InetSocketAddress(host, port);
    ChannelFuture connecting =
        options.localAddress() == null
            ? connector.connect(remote)
            : connector.connect(remote, new InetSocketAddress(options.localAddress(), 0));
    Channel channel = connecting.channel();
    connecting.addListener(
        done -> {
          if (!done.isSuccess()) {
            socket.failConnect(done.cause());
          }
        });
    var timeout =
        channel
            .eventLoop()
            .schedule(
                () -> socket.failConnect(new HandshakeException(0, "handshake timeout")),
                config.connectTimeout().plus(config.handshakeTimeout()).toMillis(),
                TimeUnit.MILLISECONDS);
    socket.connected().whenComplete((ok, error) -> timeout.cancel(false));
    return socket.connected();
  }

  /** Adds params and, unless given, {@code vsn=2.0.0} to the query, as phoenix.js endPointURL. */
  static URI withParams(URI uri, Map<String, String> params) {
    var query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
    boolean hasVsn = query.toString().matches("(^|.*&)vsn=.*") || params.containsKey("vsn");
    params.forEach((key, value) -> append(query, key, value));
    if (!hasVsn) {
      append(query, "vsn", "2.0.0");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path + "?" + query);
  }

  private static void append(StringBuilder query, String key, String value) {
    if (!query.isEmpty()) {
      query.append('&');
    }
    query
        .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
