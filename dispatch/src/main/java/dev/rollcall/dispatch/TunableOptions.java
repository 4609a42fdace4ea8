package dev.rollcall.dispatch;

import dev.rollcall.dispatch.LaunchCommand.DurationConverter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@link Tunables} as picocli options, mixed into {@link LaunchCommand}: one field per flag,
 * its default as the library has it (a test checks they agree), shown in {@code --help}. Not
 * thread-safe: one parse.
 */
final class TunableOptions {

  /** The flags below; each takes a value and is also read from {@code ROLLCALL_<FLAG>}. */
  static final List<String> FLAGS =
      List.of(
          "--max-connections",
          "--max-frame-bytes",
          "--max-channels-per-socket",
          "--max-messages-per-second",
          "--message-burst",
          "--max-outbound-bytes",
          "--max-queued-inbound",
          "--max-queued-inbound-total",
          "--max-topic-length",
          "--max-payload-depth",
          "--idle-timeout",
          "--presence-broadcast-period",
          "--presence-down-period",
          "--presence-permdown-period",
          "--redis-connect-timeout",
          "--redis-command-timeout",
          "--redis-reconnect-min",
          "--redis-reconnect-max",
          "--redis-publish-backlog");

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "100000",
      converter = NumberConverter.class,
      description =
          "WebSocket connections and long-poll sessions this node holds; the next gets HTTP 503"
              + " (default: ${DEFAULT-VALUE})")
  int maxConnections;

  @Option(
      names = "--max-frame-bytes",
      paramLabel = "BYTES",
      defaultValue = "1048576",
      converter = NumberConverter.class,
      description =
          "largest frame a client may send; a larger one closes the socket with 1009, at least"
              + " 1024 (default: ${DEFAULT-VALUE})")
  int maxFrameBytes;

  @Option(
      names = "--max-channels-per-socket",
      paramLabel = "N",
      defaultValue = "100",
      converter = NumberConverter.class,
      description =
          "channels one socket may join; the next join gets \"too many channels joined\""
              + " (default: ${DEFAULT-VALUE})")
  int maxChannelsPerSocket;

  @Option(
      names = "--max-messages-per-second",
      paramLabel = "N",
      defaultValue = "100",
      converter = NumberConverter.class,
      description =
          "steady message rate per socket; beyond it \"rate_limited\" replies, then close 1008"
              + " (default: ${DEFAULT-VALUE})")
  int maxMessagesPerSecond;

  @Option(
      names = "--message-burst",
      paramLabel = "N",
      defaultValue = "200",
      converter = NumberConverter.class,
      description =
          "messages a socket may send at once above that rate (keep it at least"
              + " --max-channels-per-socket so a client can rejoin everything)"
              + " (default: ${DEFAULT-VALUE})")
  int messageBurst;

  @Option(
      names = "--max-outbound-bytes",
      paramLabel = "BYTES",
      defaultValue = "4194304",
      converter = NumberConverter.class,
      description =
          "bytes queued for a client that does not read before it is closed with 1013, at least"
              + " 65536 (default: ${DEFAULT-VALUE})")
  int maxOutboundBytes;

  @Option(
      names = "--max-queued-inbound",
      paramLabel = "N",
      defaultValue = "1000",
      converter = NumberConverter.class,
      description =
          "client messages one socket may have waiting for its channels before it is no longer"
              + " read (nothing is dropped) (default: ${DEFAULT-VALUE})")
  int maxQueuedInbound;

  @Option(
      names = "--max-queued-inbound-total",
      paramLabel = "N",
      defaultValue = "20000",
      converter = NumberConverter.class,
      description = "the same for all sockets of this node together (default: ${DEFAULT-VALUE})")
  int maxQueuedInboundTotal;

  @Option(
      names = "--max-topic-length",
      paramLabel = "N",
      defaultValue = "255",
      converter = NumberConverter.class,
      description =
          "longest topic a client may join; longer gets \"topic too long\""
              + " (default: ${DEFAULT-VALUE})")
  int maxTopicLength;

  @Option(
      names = "--max-payload-depth",
      paramLabel = "N",
      defaultValue = "64",
      converter = NumberConverter.class,
      description =
          "deepest nesting of a message's payload, 1..1000; deeper gets \"payload too deep\""
              + " (default: ${DEFAULT-VALUE})")
  int maxPayloadDepth;

  @Option(
      names = "--idle-timeout",
      paramLabel = "D",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "a socket that sent nothing for this long is closed with 1001"
              + " (default: ${DEFAULT-VALUE})")
  Duration idleTimeout;

  @Option(
      names = "--presence-broadcast-period",
      paramLabel = "D",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "time between two presence heartbeats to the other nodes, at least 100ms"
              + " (default: ${DEFAULT-VALUE})")
  Duration presenceBroadcastPeriod;

  @Option(
      names = "--presence-down-period",
      paramLabel = "D",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description =
          "a node silent this long is down and its heroes leave, at least twice the broadcast"
              + " period (default: ${DEFAULT-VALUE})")
  Duration presenceDownPeriod;

  @Option(
      names = "--presence-permdown-period",
      paramLabel = "D",
      defaultValue = "20m",
      converter = DurationConverter.class,
      description =
          "a down node silent this long is forgotten for good (default: ${DEFAULT-VALUE})")
  Duration presencePermdownPeriod;

  @Option(
      names = "--redis-connect-timeout",
      paramLabel = "D",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "how long one connection attempt to Redis may take (default: ${DEFAULT-VALUE})")
  Duration redisConnectTimeout;

  @Option(
      names = "--redis-command-timeout",
      paramLabel = "D",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "how long Redis may take to answer a command before it counts as failed"
              + " (default: ${DEFAULT-VALUE})")
  Duration redisCommandTimeout;

  @Option(
      names = "--redis-reconnect-min",
      paramLabel = "D",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description = "first retry delay after Redis is lost (default: ${DEFAULT-VALUE})")
  Duration redisReconnectMin;

  @Option(
      names = "--redis-reconnect-max",
      paramLabel = "D",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description =
          "cap of the doubling retry delay: the longest a node stays cut off after Redis is back"
              + " (default: ${DEFAULT-VALUE})")
  Duration redisReconnectMax;

  @Option(
      names = "--redis-publish-backlog",
      paramLabel = "N",
      defaultValue = "65536",
      converter = NumberConverter.class,
      description =
          "messages for other nodes queued for Redis before more are dropped and counted"
              + " (default: ${DEFAULT-VALUE})")
  int redisPublishBacklog;

  /** The validated values; a {@link UsageException} names the flag of a bad one. */
  Tunables tunables() {
    return new Tunables(
        new Tunables.Endpoint(
            maxConnections,
            maxFrameBytes,
            maxChannelsPerSocket,
            maxMessagesPerSecond,
            messageBurst,
            maxOutboundBytes,
            maxQueuedInbound,
            maxQueuedInboundTotal,
            maxTopicLength,
            maxPayloadDepth,
            idleTimeout),
        new Tunables.Presence(presenceBroadcastPeriod, presenceDownPeriod, presencePermdownPeriod),
        new Tunables.Redis(
            redisConnectTimeout,
            redisCommandTimeout,
            redisReconnectMin,
            redisReconnectMax,
            redisPublishBacklog));
  }

  /** A whole number; the flag is filled in by {@link LaunchOptions}. */
  static final class NumberConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new UsageException(
            LaunchOptions.FLAG_PLACEHOLDER + " must be a whole number, got " + value);
      }
    }
  }
}
