package dev.rollcall.dispatch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The launcher's options as picocli sees them: one field per option, its help line and default;
 * {@link LaunchOptions#parse} turns them into {@link LaunchOptions}. Not thread-safe: one parse.
 */
@Command(
    name = "rollcall",
    sortOptions = false,
    usageHelpWidth = 100,
    customSynopsis = "rollcall [options]",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description =
        "Runs the superhero dispatch application: the page at /, the Phoenix socket at /socket,"
            + " GET /healthz, /readyz, /metrics and, with an API key, the HTTP API under /api.",
    footer = {
      "",
      "Environment: every option above is also read from ROLLCALL_<OPTION>, e.g.",
      "ROLLCALL_PORT=4001 or ROLLCALL_NOTIFY_INTERVAL=1s; a flag on the command line wins.",
      "  ROLLCALL_SECRET       secret (32+ characters) that signs hero tokens; give every node",
      "                        of a cluster the same one (default: random per process)"
    })
final class LaunchCommand {

  @Option(
      names = "--port",
      paramLabel = "N",
      converter = PortConverter.class,
      description = "TCP port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port = 4000;

  @Option(
      names = "--host",
      paramLabel = "ADDR",
      description = "address to bind (default: ${DEFAULT-VALUE})")
  String host = "0.0.0.0";

  @Option(
      names = "--notify-interval",
      paramLabel = "D",
      converter = NotifyIntervalConverter.class,
      description =
          "how often the internal service notifies a random hero, e.g. 200ms, 5s, 1m"
              + " (default: 5s)")
  Duration notifyInterval = Duration.ofSeconds(5);

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "this node's name, unique in a cluster (default: host name and a random suffix)")
  String node;

  @Option(
      names = "--redis",
      paramLabel = "URL",
      converter = RedisConverter.class,
      description =
          "join a cluster through Redis, e.g. redis://127.0.0.1:6379; Sentinel:"
              + " redis-sentinel://host:port[,host:port...]/master; Redis Cluster (7+):"
              + " redis-cluster://host:port[,host:port...]")
  URI redis;

  @Option(
      names = "--longpoll-window",
      paramLabel = "D",
      converter = DurationConverter.class,
      description =
          "how long a long-poll request waits for messages; a session not polled for 1.5 times"
              + " this ends (default: 10s)")
  Duration longPollWindow = LaunchOptions.Transports.defaults().longPollWindow();

  @Option(
      names = "--compress",
      arity = "1",
      paramLabel = "on|off",
      converter = OnOffConverter.class,
      description =
          "permessage-deflate for WebSockets whose client offers it (default: off, see"
              + " docs/benchmarks.md)")
  boolean compress = LaunchOptions.Transports.defaults().compress();

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain: serve HTTPS and WSS on --port")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key of --tls-cert (PKCS#8 or PKCS#1)")
  Path tlsKey;

  @Option(
      names = "--origin",
      paramLabel = "LIST",
      description = {
        "origins whose pages may open the socket, comma-separated: https://host:port,"
            + " //host (any scheme and port), //*.host; * allows any. Default: no check when"
            + " --host is a loopback address (development), else //localhost, //127.0.0.1 and"
            + " //<this host's name> (production: set it to your site)"
      })
  String origin;

  @Option(
      names = "--offer-timeout",
      paramLabel = "D",
      converter = DurationConverter.class,
      description =
          "how long a hero has to accept a dispatch offer before it moves to the next hero"
              + " (default: 15s)")
  Duration offerTimeout = LaunchOptions.DEFAULT_OFFER_TIMEOUT;

  @Option(
      names = "--reassign-after",
      paramLabel = "D",
      converter = DurationConverter.class,
      description =
          "how long an assigned hero who disconnected keeps the dispatch before it is offered"
              + " again (default: 30s)")
  Duration reassignAfter = LaunchOptions.DEFAULT_REASSIGN_AFTER;

  @Option(
      names = "--history-size",
      paramLabel = "N",
      converter = HistorySizeConverter.class,
      description =
          "notifications kept per stream for replay after a reconnect; 0 turns history off"
              + " (default: ${DEFAULT-VALUE})")
  int historySize = LaunchOptions.DEFAULT_HISTORY_SIZE;

  @Option(
      names = "--history-ttl",
      paramLabel = "D",
      converter = DurationConverter.class,
      description =
          "how long a notification is kept, and how long a hero who left still gets direct"
              + " notifications queued (default: 10m)")
  Duration historyTtl = LaunchOptions.DEFAULT_HISTORY_TTL;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "enables the HTTP API under /api and the dashboard at /admin (16+ characters);"
              + " callers send Authorization: Bearer KEY, the dashboard asks for it")
  String apiKey;

  @Option(
      names = "--drain-batch",
      paramLabel = "N",
      converter = CountConverter.class,
      description = "on SIGTERM, close sockets N at a time (default: ${DEFAULT-VALUE})")
  int drainBatch = LaunchOptions.DEFAULT_DRAIN_BATCH;

  @Option(
      names = "--drain-interval",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "pause between two drain batches (default: 200ms)")
  Duration drainInterval = LaunchOptions.DEFAULT_DRAIN_INTERVAL;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description =
          "text, or json: one JSON object per line (timestamp, level, logger, message, node)"
              + " for log shippers (default: ${DEFAULT-VALUE})")
  String logFormat = "text";

  @Option(
      names = "--presence-count-rate",
      paramLabel = "N",
      converter = TunableOptions.NumberConverter.class,
      description =
          "the most presence_count frames this node writes a second to summary heroes; with more"
              + " summary heroes than N, each gets the count less often than once a second"
              + " (default: ${DEFAULT-VALUE})")
  int presenceCountRate = LaunchOptions.DEFAULT_PRESENCE_COUNT_RATE;

  /** The libraries' limits and periods (docs/operations.md, "Tunables"). */
  @Mixin TunableOptions tunables = new TunableOptions();

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help")
  boolean help;

  /** The generated help text. */
  static String usage() {
    return new CommandLine(new LaunchCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  List<String> origins() {
    return origin == null
        ? null
        : java.util.Arrays.stream(origin.split(","))
            .map(String::trim)
            .filter(o -> !o.isEmpty())
            .toList();
  }

  // Converters throw UsageException so the launcher's messages stay as they were.

  static final class PortConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new UsageException("--port must be a number, got " + value);
      }
    }
  }

  static final class CountConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new UsageException("--drain-batch must be a number, got " + value);
      }
    }
  }

  static final class HistorySizeConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new UsageException("--history-size must be a number, got " + value);
      }
    }
  }

  static final class OnOffConverter implements CommandLine.ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      // picocli also hands the field's own default through the converter, as "true"/"false".
      return switch (value) {
        case "on", "true" -> true;
        case "off", "false" -> false;
        default -> throw new UsageException("--compress is on or off, got " + value);
      };
    }
  }

  static final class NotifyIntervalConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return LaunchOptions.parseDuration("--notify-interval", value);
    }
  }

  /** The flag is not known to a converter: the message is fixed up by {@link LaunchOptions}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return LaunchOptions.parseDuration(LaunchOptions.FLAG_PLACEHOLDER, value);
    }
  }

  static final class RedisConverter implements CommandLine.ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      return LaunchOptions.parseRedis(value);
    }
  }
}
