package dev.rollcall.channels;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How an {@link Endpoint} serves: address, socket path and the limits every connection gets.
 *
 * @param host address to bind ("0.0.0.0" for all)
 * @param port TCP port; 0 picks a free one (see {@link Endpoint#port()})
 * @param socketPath mount point of the socket; the WebSocket is at {@code socketPath +
 *     "/websocket"}
 * @param idleTimeout a connection that sent nothing for this long is closed with 1001 (Phoenix: 60
 *     s; the client heartbeats every 30 s, so twice that tolerates one lost heartbeat)
 * @param maxFrameBytes larger frames close the connection with 1009 (Phoenix: unlimited)
 * @param maxChannelsPerSocket joins beyond this get {@code "too many channels joined"} (Phoenix:
 *     100)
 * @param allowedOrigins empty: no origin check; else an {@code Origin} header must match one entry
 *     ({@code "https://host:port"}, {@code "//host"}, {@code "//*.host"})
 * @param shutdownTimeout how long a graceful shutdown waits for channels to terminate
 * @param maxConnections WebSocket connections and long-poll sessions this node holds; the next
 *     upgrade gets HTTP 503 (a long-poll open {@code {"status":503}}) so a load balancer or the
 *     client's backoff tries elsewhere (default 100k: about 1 GB of heap and kernel buffers
 *     together at ~10 KB per connection)
 * @param maxMessagesPerSecond steady rate of a socket's token bucket; a frame without a token gets
 *     {@code {"reason":"rate_limited"}}, and a socket still over the limit after one more second's
 *     worth of refused frames is closed with 1008, so one client cannot starve the others
 * @param messageBurst bucket capacity; at least {@code maxChannelsPerSocket} so a reconnecting
 *     client can rejoin all its channels at once
 * @param maxOutboundBytes bytes a socket may have queued for a client that does not read; beyond it
 *     the socket is closed with 1013 instead of growing the heap (default 4 MiB: four max-size
 *     frames)
 * @param maxTopicLength longer topics are refused on join with {@code "topic too long"} (255: the
 *     longest topic a V2 binary frame can carry)
 * @param maxPayloadDepth a message whose payload nests objects and arrays deeper than this gets
 *     {@code {"reason":"payload too deep"}} and never reaches a channel, so user code that walks a
 *     payload recursively cannot be driven into a stack overflow (64: far beyond any real message;
 *     the JSON parser itself stops at 1000 levels, which closes the socket with 1007)
 * @param maxQueuedInbound messages a socket may have waiting in its channels' mailboxes (read from
 *     it, not yet handled, summed over all its channels); at the bound the server stops reading the
 *     socket, so TCP flow control slows the client instead of the heap growing, and reads again
 *     once they drain to half of it. Nothing is dropped (default 1000)
 * @param maxQueuedInboundTotal the same for all sockets of the endpoint together: a socket that
 *     queues a message while the endpoint is over it stops being read until the total drains to
 *     half. Bounds the heap when many sockets each send a little more than the node handles
 *     (default 20 000: about 1-2 s of work for a 2-core node, a few tens of MB)
 * @param longPollWindow how long a long-poll request waits for messages before it is answered
 *     {@code 204}; a session that is not polled for 1.5 times this ends (Phoenix {@code window_ms}:
 *     10 s)
 * @param secretKeyBase signs long-poll session tokens; every node behind one load balancer needs
 *     the same one (at least 32 characters), or null for a random secret of this process (a single
 *     node)
 * @param compress whether WebSockets negotiate permessage-deflate when the client offers it
 * @param tlsCert PEM certificate chain; with {@code tlsKey}, the port speaks HTTPS and WSS only
 *     (null: plain HTTP and WS)
 * @param tlsKey PEM private key (PKCS#8, or PKCS#1 RSA) matching {@code tlsCert}
 */
public record EndpointConfig(
    String host,
    int port,
    String socketPath,
    Duration idleTimeout,
    int maxFrameBytes,
    int maxChannelsPerSocket,
    List<String> allowedOrigins,
    Duration shutdownTimeout,
    int maxConnections,
    int maxMessagesPerSecond,
    int messageBurst,
    int maxOutboundBytes,
    int maxTopicLength,
    int maxPayloadDepth,
    int maxQueuedInbound,
    int maxQueuedInboundTotal,
    Duration longPollWindow,
    String secretKeyBase,
    boolean compress,
    Path tlsCert,
    Path tlsKey) {

  public EndpointConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (!socketPath.startsWith("/") || socketPath.endsWith("/")) {
      throw new IllegalArgumentException(
          "socketPath must start and not end with '/': " + socketPath);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive");
    }
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be at least 1024, got " + maxFrameBytes);
    }
    if (maxChannelsPerSocket < 1) {
      throw new IllegalArgumentException("maxChannelsPerSocket must be at least 1");
    }
    allowedOrigins = List.copyOf(allowedOrigins);
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1");
    }
    if (maxMessagesPerSecond < 1) {
      throw new IllegalArgumentException("maxMessagesPerSecond must be at least 1");
    }
    if (messageBurst < 1) {
      throw new IllegalArgumentException("messageBurst must be at least 1");
    }
    if (maxOutboundBytes < 64 * 1024) {
      throw new IllegalArgumentException(
          "maxOutboundBytes must be at least 64 KiB, got " + maxOutboundBytes);
    }
    if (maxTopicLength < 1) {
      throw new IllegalArgumentException("maxTopicLength must be at least 1");
    }
    if (maxPayloadDepth < 1 || maxPayloadDepth > 1000) {
      throw new IllegalArgumentException(
          "maxPayloadDepth must be 1..1000 (the JSON parser's own limit), got " + maxPayloadDepth);
    }
    if (maxQueuedInbound < 2) {
      throw new IllegalArgumentException(
          "maxQueuedInbound must be at least 2 (reading resumes at half), got " + maxQueuedInbound);
    }
    if (maxQueuedInboundTotal < 2) {
      throw new IllegalArgumentException(
          "maxQueuedInboundTotal must be at least 2 (reading resumes at half), got "
              + maxQueuedInboundTotal);
    }
    if (longPollWindow.compareTo(Duration.ofMillis(10)) < 0) {
      throw new IllegalArgumentException("longPollWindow must be at least 10 ms");
    }
    if (secretKeyBase != null && secretKeyBase.length() < 32) {
      throw new IllegalArgumentException("secretKeyBase must be at least 32 characters");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("tlsCert and tlsKey go together: give both or neither");
    }
  }

  /** Queued inbound messages at or below which a paused socket is read again: half the bound. */
  public int resumeQueuedInbound() {
    return maxQueuedInbound / 2;
  }

  public static EndpointConfig defaults() {
    return new EndpointConfig(
        "0.0.0.0",
        4000,
        "/socket",
        Duration.ofSeconds(60),
        1 << 20,
        100,
        List.of(),
        Duration.ofSeconds(10),
        100_000,
        100,
        200,
        4 << 20,
        255,
        64,
        1000,
        20_000,
        Duration.ofSeconds(10),
        null,
        false,
        null,
        null);
  }

  public EndpointConfig withHost(String host) {
    return edit(draft -> draft.host = host);
  }

  public EndpointConfig withPort(int port) {
    return edit(draft -> draft.port = port);
  }

  public EndpointConfig withSocketPath(String socketPath) {
    return edit(draft -> draft.socketPath = socketPath);
  }

  public EndpointConfig withIdleTimeout(Duration idleTimeout) {
    return edit(draft -> draft.idleTimeout = idleTimeout);
  }

  public EndpointConfig withMaxFrameBytes(int maxFrameBytes) {
    return edit(draft -> draft.maxFrameBytes = maxFrameBytes);
  }

  public EndpointConfig withMaxChannelsPerSocket(int maxChannelsPerSocket) {
    return edit(draft -> draft.maxChannelsPerSocket = maxChannelsPerSocket);
  }

  public EndpointConfig withAllowedOrigins(List<String> allowedOrigins) {
    return edit(draft -> draft.allowedOrigins = allowedOrigins);
  }

  public EndpointConfig withShutdownTimeout(Duration shutdownTimeout) {
    return edit(draft -> draft.shutdownTimeout = shutdownTimeout);
  }

  public EndpointConfig withMaxConnections(int maxConnections) {
    return edit(draft -> draft.maxConnections = maxConnections);
  }

  public EndpointConfig withMaxMessagesPerSecond(int maxMessagesPerSecond) {
    return edit(draft -> draft.maxMessagesPerSecond = maxMessagesPerSecond);
  }

  public EndpointConfig withMessageBurst(int messageBurst) {
    return edit(draft -> draft.messageBurst = messageBurst);
  }

  public EndpointConfig withMaxOutboundBytes(int maxOutboundBytes) {
    return edit(draft -> draft.maxOutboundBytes = maxOutboundBytes);
  }

  public EndpointConfig withMaxTopicLength(int maxTopicLength) {
    return edit(draft -> draft.maxTopicLength = maxTopicLength);
  }

  public EndpointConfig withMaxPayloadDepth(int maxPayloadDepth) {
    return edit(draft -> draft.maxPayloadDepth = maxPayloadDepth);
  }

  public EndpointConfig withMaxQueuedInbound(int maxQueuedInbound) {
    return edit(draft -> draft.maxQueuedInbound = maxQueuedInbound);
  }

  public EndpointConfig withMaxQueuedInboundTotal(int maxQueuedInboundTotal) {
    return edit(draft -> draft.maxQueuedInboundTotal = maxQueuedInboundTotal);
  }

  public EndpointConfig withLongPollWindow(Duration longPollWindow) {
    return edit(draft -> draft.longPollWindow = longPollWindow);
  }

  public EndpointConfig withSecretKeyBase(String secretKeyBase) {
    return edit(draft -> draft.secretKeyBase = secretKeyBase);
  }

  public EndpointConfig withCompress(boolean compress) {
    return edit(draft -> draft.compress = compress);
  }

  /** Serves HTTPS and WSS with this PEM certificate chain and private key. */
  public EndpointConfig withTls(Path tlsCert, Path tlsKey) {
    return edit(
        draft -> {
          draft.tlsCert = tlsCert;
          draft.tlsKey = tlsKey;
        });
  }

  private EndpointConfig edit(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** A mutable copy for one {@code with…} change; the record's constructor validates the result. */
  private static final class Draft {
    private String host;
    private int port;
    private String socketPath;
    private Duration idleTimeout;
    private int maxFrameBytes;
    private int maxChannelsPerSocket;
    private List<String> allowedOrigins;
    private Duration shutdownTimeout;
    private int maxConnections;
    private int maxMessagesPerSecond;
    private int messageBurst;
    private int maxOutboundBytes;
    private int maxTopicLength;
    private int maxPayloadDepth;
    private int maxQueuedInbound;
    private int maxQueuedInboundTotal;
    private Duration longPollWindow;
    private String secretKeyBase;
    private boolean compress;
    private Path tlsCert;
    private Path tlsKey;

    Draft(EndpointConfig config) {
      host = config.host;
      port = config.port;
      socketPath = config.socketPath;
      idleTimeout = config.idleTimeout;
      maxFrameBytes = config.maxFrameBytes;
      maxChannelsPerSocket = config.maxChannelsPerSocket;
      allowedOrigins = config.allowedOrigins;
      shutdownTimeout = config.shutdownTimeout;
      maxConnections = config.maxConnections;
      maxMessagesPerSecond = config.maxMessagesPerSecond;
      messageBurst = config.messageBurst;
      maxOutboundBytes = config.maxOutboundBytes;
      maxTopicLength = config.maxTopicLength;
      maxPayloadDepth = config.maxPayloadDepth;
      maxQueuedInbound = config.maxQueuedInbound;
      maxQueuedInboundTotal = config.maxQueuedInboundTotal;
      longPollWindow = config.longPollWindow;
      secretKeyBase = config.secretKeyBase;
      compress = config.compress;
      tlsCert = config.tlsCert;
      tlsKey = config.tlsKey;
    }

    EndpointConfig build() {
      return new EndpointConfig(
          host,
          port,
          socketPath,
          idleTimeout,
          maxFrameBytes,
          maxChannelsPerSocket,
          allowedOrigins,
          shutdownTimeout,
          maxConnections,
          maxMessagesPerSecond,
          messageBurst,
          maxOutboundBytes,
          maxTopicLength,
          maxPayloadDepth,
          maxQueuedInbound,
          maxQueuedInboundTotal,
          longPollWindow,
          secretKeyBase,
          compress,
          tlsCert,
          tlsKey);
    }
  }
}
