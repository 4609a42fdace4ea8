package dev.rollcall.spring;

import dev.rollcall.channels.EndpointConfig;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code rollcall.*} in {@code application.yml}. Limits left unset keep {@link
 * EndpointConfig#defaults()}; {@link #endpointConfig()} validates the whole as the endpoint does.
 *
 * @param port the endpoint's own port (0: any free port)
 * @param host the address to bind
 * @param socketPath where phoenix.js connects ({@code new Socket("/socket")}), without {@code
 *     /websocket}
 * @param allowedOrigins empty: no Origin check; else the browser's Origin must be one of these
 * @param node this node's name in PubSub and presence; unset: the host name
 * @param staticResources a classpath folder the endpoint serves at {@code /} (e.g. {@code public},
 *     for a page on the same origin as its socket); unset: none
 * @param redis where the nodes meet; unset URL: one node, in memory
 * @param limits per-connection and per-endpoint limits
 */
@ConfigurationProperties("rollcall")
public record RollcallProperties(
    @DefaultValue("4000") int port,
    @DefaultValue("0.0.0.0") String host,
    @DefaultValue("/socket") String socketPath,
    @DefaultValue List<String> allowedOrigins,
    String node,
    String staticResources,
    @DefaultValue Redis redis,
    @DefaultValue Limits limits) {

  /**
   * @param url {@code redis://host:6379}; unset: no Redis
   */
  public record Redis(String url) {}

  /** Each unset limit keeps the endpoint's default. */
  public record Limits(
      Integer maxConnections,
      Integer maxFrameBytes,
      Integer maxChannelsPerSocket,
      Integer maxMessagesPerSecond,
      Integer messageBurst,
      Duration idleTimeout,
      Duration shutdownTimeout) {}

  /** The endpoint configuration these properties describe. */
  public EndpointConfig endpointConfig() {
    EndpointConfig config =
        EndpointConfig.defaults()
            .withPort(port)
            .withHost(host)
            .withSocketPath(socketPath)
            .withAllowedOrigins(allowedOrigins);
    if (limits.maxConnections() != null) {
      config = config.withMaxConnections(limits.maxConnections());
    }
    if (limits.maxFrameBytes() != null) {
      config = config.withMaxFrameBytes(limits.maxFrameBytes());
    }
    if (limits.maxChannelsPerSocket() != null) {
      config = config.withMaxChannelsPerSocket(limits.maxChannelsPerSocket());
    }
    if (limits.maxMessagesPerSecond() != null) {
      config = config.withMaxMessagesPerSecond(limits.maxMessagesPerSecond());
    }
    if (limits.messageBurst() != null) {
      config = config.withMessageBurst(limits.messageBurst());
    }
    if (limits.idleTimeout() != null) {
      config = config.withIdleTimeout(limits.idleTimeout());
    }
    if (limits.shutdownTimeout() != null) {
      config = config.withShutdownTimeout(limits.shutdownTimeout());
    }
    return config;
  }
}
