package dev.rollcall.pubsub.redis;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How a {@link RedisPubSub} reaches Redis and names itself.
 *
 * @param uri where Redis is: one server {@code redis://[user:password@]host:port[/db]} (or {@code
 *     rediss://} for TLS); a Sentinel-managed master {@code
 *     redis-sentinel://[password@]host:port[,host:port...]/mastername}; or a Redis Cluster {@code
 *     redis-cluster://[user:password@]host:port[,host:port...]} (seed nodes; sharded pub/sub, Redis
 *     7+). docs/cluster.md says what each guarantees.
 * @param node this node's name, unique in the cluster (it names the node's direct channel and is
 *     the tracker's replica name)
 * @param channelPrefix prefix of every Redis channel used, so several clusters can share one Redis
 * @param reconnectMin first retry delay after a lost connection
 * @param reconnectMax cap of the doubling retry delay: the longest a node stays cut off after Redis
 *     is reachable again
 * @param connectTimeout how long one connection attempt may take
 * @param commandTimeout how long Redis may take to answer a command (SUBSCRIBE, PUBLISH) before it
 *     counts as failed; generous, because a burst of publishes queues behind itself
 * @param keepAliveIdle idle time before TCP keep-alive probes start (three probes, one second
 *     apart), so a silently vanished Redis is noticed even when no message flows
 * @param publishBacklog most messages for other nodes queued or sent but not yet acknowledged by
 *     Redis; beyond it (Redis slower than the publishers) messages for other nodes are dropped and
 *     counted as failed publishes, as while Redis is down, instead of growing memory
 */
public record RedisConfig(
    String uri,
    String node,
    String channelPrefix,
    Duration reconnectMin,
    Duration reconnectMax,
    Duration connectTimeout,
    Duration commandTimeout,
    Duration keepAliveIdle,
    int publishBacklog) {

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

  public RedisConfig {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(channelPrefix, "channelPrefix");
    Objects.requireNonNull(reconnectMin, "reconnectMin");
    Objects.requireNonNull(reconnectMax, "reconnectMax");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(keepAliveIdle, "keepAliveIdle");
    try {
      RedisEndpoint.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a Redis URI: " + uri + " (" + e.getMessage() + ")");
    }
    if (!NODE_NAME.matcher(node).matches()) {
      throw new IllegalArgumentException(
          "node name must be 1-128 of [A-Za-z0-9._@:-] (it is part of a Redis channel name): "
              + node);
    }
    if (channelPrefix.isBlank() || channelPrefix.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("channelPrefix must be non-blank without spaces");
    }
    if (reconnectMin.isNegative() || reconnectMin.isZero()) {
      throw new IllegalArgumentException("reconnectMin must be > 0");
    }
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException("reconnectMax must be >= reconnectMin");
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be > 0");
    }
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be > 0");
    }
    if (keepAliveIdle.toSeconds() < 1) {
      throw new IllegalArgumentException("keepAliveIdle must be >= 1s (TCP counts in seconds)");
    }
    if (publishBacklog < 1) {
      throw new IllegalArgumentException("publishBacklog must be >= 1");
    }
  }

  /**
   * Redis on localhost, a node name from the host name and a random suffix, retries from 100 ms
   * doubling up to 2 s (so a node rejoins within ~2 s of Redis coming back, well inside the
   * tracker's failure-detection time).
   */
  public static RedisConfig defaults() {
    return new RedisConfig(
        "redis://127.0.0.1:6379",
        defaultNodeName(),
        "rollcall",
        Duration.ofMillis(100),
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        65_536);
  }

  public RedisConfig withUri(String uri) {
    return edit(draft -> draft.uri = uri);
  }

  public RedisConfig withNode(String node) {
    return edit(draft -> draft.node = node);
  }

  public RedisConfig withChannelPrefix(String channelPrefix) {
    return edit(draft -> draft.channelPrefix = channelPrefix);
  }

  public RedisConfig withReconnect(Duration reconnectMin, Duration reconnectMax) {
    return edit(
        draft -> {
          draft.reconnectMin = reconnectMin;
          draft.reconnectMax = reconnectMax;
        });
  }

  public RedisConfig withTimeouts(Duration connectTimeout, Duration commandTimeout) {
    return edit(
        draft -> {
          draft.connectTimeout = connectTimeout;
          draft.commandTimeout = commandTimeout;
        });
  }

  public RedisConfig withPublishBacklog(int publishBacklog) {
    return edit(draft -> draft.publishBacklog = publishBacklog);
  }

  private RedisConfig edit(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** A mutable copy for one {@code with…} change; the record's constructor validates the result. */
  private static final class Draft {
    private String uri;
    private String node;
    private String channelPrefix;
    private Duration reconnectMin;
    private Duration reconnectMax;
    private Duration connectTimeout;
    private Duration commandTimeout;
    private Duration keepAliveIdle;
    private int publishBacklog;

    Draft(RedisConfig config) {
      uri = config.uri;
      node = config.node;
      channelPrefix = config.channelPrefix;
      reconnectMin = config.reconnectMin;
      reconnectMax = config.reconnectMax;
      connectTimeout = config.connectTimeout;
      commandTimeout = config.commandTimeout;
      keepAliveIdle = config.keepAliveIdle;
      publishBacklog = config.publishBacklog;
    }

    RedisConfig build() {
      return new RedisConfig(
          uri,
          node,
          channelPrefix,
          reconnectMin,
          reconnectMax,
          connectTimeout,
          commandTimeout,
          keepAliveIdle,
          publishBacklog);
    }
  }

  /** {@code <host>-<6 hex digits>}: unique per process start, readable in logs. */
  public static String defaultNodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "node";
    }
    host = host.replaceAll("[^A-Za-z0-9.-]", "").toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      host = "node";
    }
    if (host.length() > 100) {
      host = host.substring(0, 100);
    }
    return host + "-" + "%06x".formatted(ThreadLocalRandom.current().nextInt(1 << 24));
  }
}
