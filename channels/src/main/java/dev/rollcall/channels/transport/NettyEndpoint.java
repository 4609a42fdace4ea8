package dev.rollcall.channels.transport;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.BroadcastCodec;
import dev.rollcall.channels.ConnectResult;
import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.EndpointObserver;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.Socket;
import dev.rollcall.channels.channel.ChannelCounters;
import dev.rollcall.channels.channel.CloseCodes;
import dev.rollcall.channels.channel.SocketSession;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Endpoint} on Netty 4.2: epoll where available, NIO elsewhere; one event loop group
 * accepts and serves. Thread-safe.
 */
public final class NettyEndpoint implements Endpoint {
  private static final Logger log = LoggerFactory.getLogger(NettyEndpoint.class);

  private final EndpointConfig config;
  private final Socket socket;
  private final PubSub pubSub;
  private final boolean ownsPubSub;
  private final Map<String, HttpRoute> routes;
  private final Map<String, HttpRoute> prefixRoutes;
  private final StaticResources staticResources;
  private final OriginCheck originCheck;
  private final WebSocketDecoderConfig decoderConfig;
  private final WebSocketDecoderConfig deflateDecoderConfig;
  private final EndpointStats stats = new EndpointStats();
  private final ChannelCounters channelCounters;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

  /** {@link #closed}, one object for every connection's handler instead of a lambda each. */
  private final Consumer<Connection> connectionClosed = this::closed;

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final LongPollSessions longPollSessions;
  private final LongPollHandler longPollHandler;
  private final SslContext sslContext;
  private volatile boolean closed;

  private NettyEndpoint(Builder builder) {
    this.config = builder.config;
    this.channelCounters = new ChannelCounters(config.maxQueuedInboundTotal(), builder.observer);
    this.socket = Objects.requireNonNull(builder.socket, "socket");
    this.ownsPubSub = builder.pubSub == null;
    this.pubSub =
        ownsPubSub
            ? new LocalPubSub("rollcall-" + UUID.randomUUID().toString().substring(0, 8))
            : builder.pubSub;
    this.routes = Map.copyOf(builder.routes);
    this.prefixRoutes = Map.copyOf(builder.prefixRoutes);
    this.staticResources =
        builder.staticRoot == null ? null : StaticResources.of(builder.staticRoot);
    this.originCheck = OriginCheck.of(config.allowedOrigins());
    this.sslContext =
        config.tlsCert() == null ? null : TlsContext.load(config.tlsCert(), config.tlsKey());
    this.decoderConfig =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(config.maxFrameBytes())
            .allowExtensions(false)
            .closeOnProtocolViolation(true)
            .withUTF8Validator(true)
            .build();
    this.deflateDecoderConfig = decoderConfig.toBuilder().allowExtensions(true).build();
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.longPollSessions =
        new LongPollSessions(
            pubSub,
            group,
            config.secretKeyBase() != null ? config.secretKeyBase() : randomSecret(),
            config.longPollWindow(),
            stats);
    this.longPollHandler = new LongPollHandler(this, longPollSessions);
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    try {
      this.serverChannel =
          new ServerBootstrap()
              .group(group)
              .channel(channelType)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(
                      config.maxOutboundBytes() / 2, config.maxOutboundBytes()))
              .childHandler(new EndpointInitializer(this))
              .bind(config.host(), config.port())
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully();
      throw new IllegalStateException("interrupted while binding", e);
    } catch (RuntimeException e) {
      longPollSessions.close();
      group.shutdownGracefully();
      throw e;
    }
    long sweepMillis = Math.max(1, IdleSweep.period(config.idleTimeout()).toMillis());
    group
        .next()
        .scheduleAtFixedRate(
            new IdleSweep(connections, config.idleTimeout()),
            sweepMillis,
            sweepMillis,
            TimeUnit.MILLISECONDS);
    log.info(
        "serving {}/websocket and {}/longpoll on {}://{}:{} ({}{})",
        config.socketPath(),
        config.socketPath(),
        sslContext == null ? "http" : "https",
        config.host(),
        port(),
        epoll ? "epoll" : "nio",
        config.compress() ? ", permessage-deflate" : "");
  }

  // ---- Endpoint

  @Override
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public PubSub pubSub() {
    return pubSub;
  }

  /** Broadcasts {@code disconnect} on the id's topic, as Phoenix does, so every node obeys. */
  @Override
  public void disconnect(String socketId) {
    pubSub.broadcast(socketId, new Broadcast(socketId, "disconnect", Map.of()));
  }

  @Override
  public Stats stats() {
    return new Stats(
        stats.connections.get(),
        channelCounters.live(),
        stats.messagesIn.sum(),
        stats.messagesOut.sum(),
        channelCounters.queuedMail(),
        channelCounters.queuedInbound(),
        channelCounters.pausedSockets());
  }

  /** Broadcast encodes done so far: one per broadcast and serializer, however many subscribers. */
  long fastlaneEncodes() {
    return stats.fastlaneEncodes.sum();
  }

  @Override
  public int drain(int batchSize, Duration interval) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    if (closed) {
      return 0;
    }
    serverChannel.close().syncUninterruptibly();
    List<Connection> open = new ArrayList<>(connections);
    int batches = 0;
    for (int from = 0; from < open.size(); from += batchSize) {
      if (batches++ > 0) {
        try {
          Thread.sleep(interval);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break; // close() still ends the rest
        }
      }
      for (Connection connection : open.subList(from, Math.min(open.size(), from + batchSize))) {
        connection
            .channel()
            .eventLoop()
            .execute(
                () ->
                    connection
                        .session()
                        .shutdown()
                        .whenComplete(
                            (v, e) -> connection.close(CloseCodes.GOING_AWAY, "server shutdown")));
      }
    }
    log.info("drained {} connections in {} batches of {}", open.size(), batches, batchSize);
    return batches;
  }

  /**
   * Graceful shutdown: stop accepting, end every channel with SHUTDOWN (their terminate runs), then
   * close every connection with 1001 so phoenix.js reconnects, to another node if need be.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    serverChannel.close().syncUninterruptibly();
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    List<CompletableFuture<Void>> ends = new ArrayList<>();
    for (Connection connection : connections) {
      CompletableFuture<Void> end = new CompletableFuture<>();
      ends.add(end);
      connection
          .channel()
          .eventLoop()
          .execute(
              () -> connection.session().shutdown().whenComplete((v, e) -> end.complete(null)));
    }
    ends.add(longPollSessions.shutdown());
    await(CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)), deadline, "channels");
    longPollSessions.close();
    List<CompletableFuture<Void>> closes = new ArrayList<>();
    for (Connection connection : connections) {
      CompletableFuture<Void> gone = new CompletableFuture<>();
      closes.add(gone);
      connection.channel().closeFuture().addListener(f -> gone.complete(null));
      connection.close(CloseCodes.GOING_AWAY, "server shutdown");
    }
    await(
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)),
        System.nanoTime() + TimeUnit.SECONDS.toNanos(2),
        "connections");
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    if (ownsPubSub) {
      pubSub.close();
    }
    log.info(
        "endpoint on port {} closed", ((InetSocketAddress) serverChannel.localAddress()).getPort());
  }

  private static void await(CompletableFuture<Void> all, long deadlineNanos, String what) {
    try {
      all.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("shutdown: gave up waiting for {}", what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("shutdown: {} failed: {}", what, e.getCause().toString());
    }
  }

  // ---- for the pipeline

  EndpointConfig config() {
    return config;
  }

  Socket socket() {
    return socket;
  }

  /** The route for a request, or null: an exact path for GET, else the longest prefix. */
  HttpRoute route(String method, String path) {
    HttpRoute exact = method.equals("GET") ? routes.get(path) : null;
    if (exact != null) {
      return exact;
    }
    String longest = null;
    for (String prefix : prefixRoutes.keySet()) {
      if (path.startsWith(prefix) && (longest == null || prefix.length() > longest.length())) {
        longest = prefix;
      }
    }
    return longest == null ? null : prefixRoutes.get(longest);
  }

  StaticResources staticResources() {
    return staticResources;
  }

  OriginCheck originCheck() {
    return originCheck;
  }

  /** The TLS context when the endpoint serves HTTPS and WSS, else null. */
  SslContext sslContext() {
    return sslContext;
  }

  WebSocketDecoderConfig decoderConfig() {
    return decoderConfig;
  }

  /** For connections with permessage-deflate: frames may carry RSV1. */
  WebSocketDecoderConfig deflateDecoderConfig() {
    return deflateDecoderConfig;
  }

  EndpointStats transportStats() {
    return stats;
  }

  /** A connection accepted by connect: its session, and its socket id topic if it has one. */
  Connection open(
      Channel channel,
      Serializer serializer,
      ConnectResult.Accept accept,
      Map<String, String> params,
      boolean deflate) {
    Connection connection = new Connection(channel, serializer, stats, deflate);
    connection.attach(
        new SocketSession(
            socket,
            config,
            pubSub,
            connection,
            connection,
            channelCounters,
            accept.assigns() == null ? Map.of() : accept.assigns(),
            accept.id(),
            params,
            System::nanoTime));
    if (accept.id() != null) {
      Subscriber onDisconnect =
          delivery -> {
            if (delivery.message() instanceof Broadcast b && "disconnect".equals(b.event())) {
              connection.close(CloseCodes.GOING_AWAY, "disconnected");
            }
          };
      connection.idSubscriber(onDisconnect);
      pubSub.subscribe(accept.id(), onDisconnect);
    }
    connections.add(connection);
    if (closed) {
      connection.close(CloseCodes.GOING_AWAY, "server shutdown");
    }
    return connection;
  }

  LongPollHandler longPoll() {
    return longPollHandler;
  }

  /** A long-poll session accepted by connect, counted as a connection. */
  LongPollSession openLongPoll(
      Serializer serializer, ConnectResult.Accept accept, Map<String, String> params) {
    LongPollSession longPoll =
        new LongPollSession(
            LongPollSessions.newTopic(),
            serializer,
            longPollSessions.nextExecutor(),
            longPollSessions,
            stats);
    longPoll.attach(
        new SocketSession(
            socket,
            config,
            pubSub,
            longPoll,
            longPoll,
            channelCounters,
            accept.assigns() == null ? Map.of() : accept.assigns(),
            accept.id(),
            params,
            System::nanoTime));
    longPollSessions.opened(longPoll);
    if (accept.id() != null) {
      Subscriber onDisconnect =
          delivery -> {
            if (delivery.message() instanceof Broadcast b && "disconnect".equals(b.event())) {
              longPoll.close(CloseCodes.GOING_AWAY, "disconnected");
            }
          };
      longPoll.idSubscriber(onDisconnect);
      pubSub.subscribe(accept.id(), onDisconnect);
    }
    if (closed) {
      longPoll.close(CloseCodes.GOING_AWAY, "server shutdown");
    }
    return longPoll;
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  Consumer<Connection> connectionClosed() {
    return connectionClosed;
  }

  /** The connection is gone (called once, on its event loop). */
  void closed(Connection connection) {
    if (connections.remove(connection)) {
      stats.closed();
      if (connection.idSubscriber() != null) {
        pubSub.unsubscribeAll(connection.idSubscriber());
      }
    }
  }

  /** Builds and starts a {@link NettyEndpoint}; {@link Endpoint#builder()} returns one. */
  public static final class Builder implements Endpoint.Builder {
    private EndpointConfig config = EndpointConfig.defaults();
    private Socket socket;
    private PubSub pubSub;
    private final Map<String, HttpRoute> routes = new LinkedHashMap<>();
    private final Map<String, HttpRoute> prefixRoutes = new LinkedHashMap<>();
    private String staticRoot;
    private EndpointObserver observer = EndpointObserver.NONE;

    @Override
    public Endpoint.Builder config(EndpointConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    @Override
    public Endpoint.Builder socket(Socket socket) {
      this.socket = Objects.requireNonNull(socket, "socket");
      return this;
    }

    @Override
    public Endpoint.Builder pubSub(PubSub pubSub) {
      this.pubSub = Objects.requireNonNull(pubSub, "pubSub");
      // Channels' broadcasts cross nodes: the layer that sends them teaches the PubSub their codec.
      pubSub.register(new BroadcastCodec());
      return this;
    }

    @Override
    public Endpoint.Builder http(String path, HttpRoute route) {
      routes.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(route, "route"));
      return this;
    }

    @Override
    public Endpoint.Builder httpPrefix(String prefix, HttpRoute route) {
      prefixRoutes.put(
          Objects.requireNonNull(prefix, "prefix"), Objects.requireNonNull(route, "route"));
      return this;
    }

    @Override
    public Endpoint.Builder staticResources(String classpathRoot) {
      this.staticRoot = Objects.requireNonNull(classpathRoot, "classpathRoot");
      return this;
    }

    @Override
    public Endpoint.Builder observer(EndpointObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    @Override
    public Endpoint start() {
      return new NettyEndpoint(this);
    }
  }
}
