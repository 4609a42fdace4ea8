package dev.rollcall.dispatch;

import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.pubsub.redis.RedisConfig;
import java.time.Duration;

/**
 * The limits and periods the launcher passes through to the libraries' configs: each has a flag
 * (docs/operations.md, "Tunables"), the library's default, and the library's range, checked here so
 * that a bad value is reported by its flag before anything starts.
 *
 * @param endpoint the channels endpoint's connection and message limits
 * @param presence the tracker's heartbeat and failure-detection periods
 * @param redis the Redis connection's timeouts, retry delays and publish backlog (used only with
 *     {@code --redis})
 */
public record Tunables(Endpoint endpoint, Presence presence, Redis redis) {

  public Tunables {
    if (endpoint == null) {
      endpoint = Endpoint.defaults();
    }
    if (presence == null) {
      presence = Presence.defaults();
    }
    if (redis == null) {
      redis = Redis.defaults();
    }
  }

  /**
   * This, once the checks across flags hold (the down period against the broadcast period, say);
   * each flag's own range is checked when it is read.
   */
  Tunables checkedTogether() {
    presence.checkTogether();
    redis.checkTogether();
    return this;
  }

  public static Tunables defaults() {
    return new Tunables(Endpoint.defaults(), Presence.defaults(), Redis.defaults());
  }

  /** Every {@link EndpointConfig} limit the launcher exposes, with its flag. */
  public record Endpoint(
      int maxConnections,
      int maxFrameBytes,
      int maxChannelsPerSocket,
      int maxMessagesPerSecond,
      int messageBurst,
      int maxOutboundBytes,
      int maxQueuedInbound,
      int maxQueuedInboundTotal,
      int maxTopicLength,
      int maxPayloadDepth,
      Duration idleTimeout) {

    public Endpoint {
      atLeast("--max-connections", maxConnections, 1);
      atLeast("--max-frame-bytes", maxFrameBytes, 1024);
      atLeast("--max-channels-per-socket", maxChannelsPerSocket, 1);
      atLeast("--max-messages-per-second", maxMessagesPerSecond, 1);
      atLeast("--message-burst", messageBurst, 1);
      atLeast("--max-outbound-bytes", maxOutboundBytes, 64 * 1024);
      atLeast("--max-queued-inbound", maxQueuedInbound, 2);
      atLeast("--max-queued-inbound-total", maxQueuedInboundTotal, 2);
      atLeast("--max-topic-length", maxTopicLength, 1);
      atLeast("--max-payload-depth", maxPayloadDepth, 1);
      if (maxPayloadDepth > 1000) {
        throw new UsageException(
            "--max-payload-depth must be at most 1000 (the JSON parser's own limit), got "
                + maxPayloadDepth);
      }
      if (idleTimeout == null) {
        idleTimeout = EndpointConfig.defaults().idleTimeout();
      }
    }

    public static Endpoint defaults() {
      EndpointConfig d = EndpointConfig.defaults();
      return new Endpoint(
          d.maxConnections(),
          d.maxFrameBytes(),
          d.maxChannelsPerSocket(),
          d.maxMessagesPerSecond(),
          d.messageBurst(),
          d.maxOutboundBytes(),
          d.maxQueuedInbound(),
          d.maxQueuedInboundTotal(),
          d.maxTopicLength(),
          d.maxPayloadDepth(),
          d.idleTimeout());
    }

    /** {@code base} with these limits. */
    public EndpointConfig applyTo(EndpointConfig base) {
      return base.withMaxConnections(maxConnections)
          .withMaxFrameBytes(maxFrameBytes)
          .withMaxChannelsPerSocket(maxChannelsPerSocket)
          .withMaxMessagesPerSecond(maxMessagesPerSecond)
          .withMessageBurst(messageBurst)
          .withMaxOutboundBytes(maxOutboundBytes)
          .withMaxQueuedInbound(maxQueuedInbound)
          .withMaxQueuedInboundTotal(maxQueuedInboundTotal)
          .withMaxTopicLength(maxTopicLength)
          .withMaxPayloadDepth(maxPayloadDepth)
          .withIdleTimeout(idleTimeout);
    }
  }

  /**
   * The tracker's periods ({@link TrackerConfig}). The broadcast period is at least 100 ms, so the
   * library's 25 ms delta delay and diff window stay below it.
   */
  public record Presence(Duration broadcastPeriod, Duration downPeriod, Duration permdownPeriod) {
    public Presence {
      TrackerConfig d = TrackerConfig.defaults();
      broadcastPeriod = broadcastPeriod == null ? d.broadcastPeriod() : broadcastPeriod;
      downPeriod = downPeriod == null ? d.downPeriod() : downPeriod;
      permdownPeriod = permdownPeriod == null ? d.permdownPeriod() : permdownPeriod;
      if (broadcastPeriod.compareTo(Duration.ofMillis(100)) < 0) {
        throw new UsageException(
            "--presence-broadcast-period must be at least 100ms, got "
                + LaunchOptions.format(broadcastPeriod));
      }
    }

    /** The checks across flags, made once every source of options has been read. */
    void checkTogether() {
      if (downPeriod.compareTo(broadcastPeriod.multipliedBy(2)) < 0) {
        throw new UsageException(
            "--presence-down-period must be at least twice --presence-broadcast-period ("
                + LaunchOptions.format(broadcastPeriod.multipliedBy(2))
                + "), got "
                + LaunchOptions.format(downPeriod));
      }
      if (permdownPeriod.compareTo(downPeriod) <= 0) {
        throw new UsageException(
            "--presence-permdown-period must be longer than --presence-down-period ("
                + LaunchOptions.format(downPeriod)
                + "), got "
                + LaunchOptions.format(permdownPeriod));
      }
    }

    public static Presence defaults() {
      TrackerConfig d = TrackerConfig.defaults();
      return new Presence(d.broadcastPeriod(), d.downPeriod(), d.permdownPeriod());
    }

    /** {@code base} with these periods. */
    public PresenceConfig applyTo(PresenceConfig base) {
      TrackerConfig t = base.tracker();
      return base.withTracker(
          new TrackerConfig(t.name(), broadcastPeriod, downPeriod, permdownPeriod, t.deltaDelay()));
    }
  }

  /** The Redis connection's {@link RedisConfig} timeouts, retry delays and backlog. */
  public record Redis(
      Duration connectTimeout,
      Duration commandTimeout,
      Duration reconnectMin,
      Duration reconnectMax,
      int publishBacklog) {
    public Redis {
      RedisConfig d = RedisConfig.defaults();
      connectTimeout = connectTimeout == null ? d.connectTimeout() : connectTimeout;
      commandTimeout = commandTimeout == null ? d.commandTimeout() : commandTimeout;
      reconnectMin = reconnectMin == null ? d.reconnectMin() : reconnectMin;
      reconnectMax = reconnectMax == null ? d.reconnectMax() : reconnectMax;
      atLeast("--redis-publish-backlog", publishBacklog, 1);
    }

    /** The checks across flags, made once every source of options has been read. */
    void checkTogether() {
      if (reconnectMax.compareTo(reconnectMin) < 0) {
        throw new UsageException(
            "--redis-reconnect-max must be at least --redis-reconnect-min ("
                + LaunchOptions.format(reconnectMin)
                + "), got "
                + LaunchOptions.format(reconnectMax));
      }
    }

    public static Redis defaults() {
      RedisConfig d = RedisConfig.defaults();
      return new Redis(
          d.connectTimeout(),
          d.commandTimeout(),
          d.reconnectMin(),
          d.reconnectMax(),
          d.publishBacklog());
    }

    /** {@code base} with these timeouts and delays. */
    public RedisConfig applyTo(RedisConfig base) {
      return base.withTimeouts(connectTimeout, commandTimeout)
          .withReconnect(reconnectMin, reconnectMax)
          .withPublishBacklog(publishBacklog);
    }
  }

  private static void atLeast(String flag, int value, int min) {
    if (value < min) {
      throw new UsageException(flag + " must be at least " + min + ", got " + value);
    }
  }
}
