package dev.rollcall.channels;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an {@link Endpoint} serves: address, socket path and the limits every connection gets.
 *
 * @param host address to bind ("0.0.0.0" for all)
 * @param port TCP port; 0 picks a free one (see {@link Endpoint#port()})
 * @param socketPath mount point of the socket; the WebSocket is at {@code socketPath +
 *     "/websocket"}
 * @param idleTimeout a connection that sent nothing for this long is closed (Phoenix: 60 s; the
 *     client heartbeats every 30 s, so twice that tolerates one lost heartbeat)
 * @param maxFrameBytes larger frames close the connection with 1009 (Phoenix: unlimited)
 * @param maxChannelsPerSocket joins beyond this get {@code "too many channels joined"} (Phoenix:
 *     100)
 * @param allowedOrigins empty: no origin check; else an {@code Origin} header must match one entry
 *     ({@code "https://host:port"}, {@code "//host"}, {@code "//*.host"})
 * @param shutdownTimeout how long a graceful shutdown waits for channels to terminate
 */
public record EndpointConfig(
    String host,
    int port,
    String socketPath,
    Duration idleTimeout,
    int maxFrameBytes,
    int maxChannelsPerSocket,
    List<String> allowedOrigins,
    Duration shutdownTimeout) {

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
        Duration.ofSeconds(10));
  }

  public EndpointConfig withHost(String host) {
    return new EndpointConfig(
        host,
        port,
        socketPath,
        idleTimeout,
        maxFrameBytes,
        maxChannelsPerSocket,
        allowedOrigins,
        shutdownTimeout);
  }

  public EndpointConfig withPort(int port) {
    return new EndpointConfig(
        host,
        port,
        socketPath,
        idleTimeout,
        maxFrameBytes,
        maxChannelsPerSocket,
        allowedOrigins,
        shutdownTimeout);
  }

  public EndpointConfig withIdleTimeout(Duration idleTimeout) {
    return new EndpointConfig(
        host,
        port,
        socketPath,
        idleTimeout,
        maxFrameBytes,
        maxChannelsPerSocket,
        allowedOrigins,
        shutdownTimeout);
  }

  public EndpointConfig withMaxFrameBytes(int maxFrameBytes) {
    return new EndpointConfig(
        host,
        port,
        socketPath,
        idleTimeout,
        maxFrameBytes,
        maxChannelsPerSocket,
        allowedOrigins,
        shutdownTimeout);
  }

  public EndpointConfig withMaxChannelsPerSocket(int maxChannelsPerSocket) {
    return new EndpointConfig(
        host,
        port,
        socketPath,
        idleTimeout,
        maxFrameBytes,
        maxChannelsPerSocket,
        allowedOrigins,
        shutdownTimeout);
  }

  public EndpointConfig withAllowedOrigins(List<String> allowedOrigins) {
    return new EndpointConfig(
        host,
        port,
        socketPath,
        idleTimeout,
        maxFrameBytes,
        maxChannelsPerSocket,
        allowedOrigins,
        shutdownTimeout);
  }
}
