package dev.rollcall.dispatch;

import dev.rollcall.pubsub.redis.RedisConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The launcher's command line: {@code --port}, {@code --host}, {@code --notify-interval}, {@code
 * --node}, {@code --redis}, the transport flags, {@code --origin}, {@code --offer-timeout}, {@code
 * --reassign-after}, {@code --history-size}, {@code --history-ttl}, {@code --api-key}, the drain
 * flags, {@code --log-format}, {@code --presence-count-rate}, the {@link Tunables}, {@code --help};
 * each as {@code --flag value} or {@code --flag=value}, and each also from {@code ROLLCALL_<FLAG>}.
 *
 * @param redis Redis URL for a cluster, or null for a single node with in-process PubSub
 * @param origins the {@code --origin} allow-list as given ({@code ["*"]} turns the check off), or
 *     null for the default of {@link #allowedOrigins()}
 */
public record LaunchOptions(
    String host,
    int port,
    Duration notifyInterval,
    String node,
    URI redis,
    boolean help,
    List<String> origins,
    Duration offerTimeout,
    Duration reassignAfter,
    Transports transports,
    int historySize,
    Duration historyTtl,
    String apiKey,
    int drainBatch,
    Duration drainInterval,
    String logFormat,
    int presenceCountRate,
    Tunables tunables) {

  public static final Duration DEFAULT_OFFER_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_REASSIGN_AFTER = Duration.ofSeconds(30);
  public static final int DEFAULT_HISTORY_SIZE = 100;
  public static final Duration DEFAULT_HISTORY_TTL = Duration.ofMinutes(10);
  public static final int DEFAULT_DRAIN_BATCH = 500;
  public static final Duration DEFAULT_DRAIN_INTERVAL = Duration.ofMillis(200);
  public static final int DEFAULT_PRESENCE_COUNT_RATE = LobbySummary.FRAMES_PER_SECOND;

  /** The generated {@code --help}. */
  public static final String USAGE = LaunchCommand.usage();

  /** Stands for the flag in a converter's message until the flag is known. */
  static final String FLAG_PLACEHOLDER = "<flag>";

  /** The essentials; every other option at its default (no origin list, no HTTP API). */
  public LaunchOptions(
      String host, int port, Duration notifyInterval, String node, URI redis, boolean help) {
    this(
        host,
        port,
        notifyInterval,
        node,
        redis,
        help,
        null,
        DEFAULT_OFFER_TIMEOUT,
        DEFAULT_REASSIGN_AFTER,
        Transports.defaults(),
        DEFAULT_HISTORY_SIZE,
        DEFAULT_HISTORY_TTL,
        null,
        DEFAULT_DRAIN_BATCH,
        DEFAULT_DRAIN_INTERVAL,
        "text",
        DEFAULT_PRESENCE_COUNT_RATE,
        Tunables.defaults());
  }

  /**
   * How the endpoint serves: the long-poll window, permessage-deflate, and TLS (both files or
   * neither, checked readable here so a typo fails before anything starts).
   */
  public record Transports(Duration longPollWindow, boolean compress, Path tlsCert, Path tlsKey) {
    public Transports {
      if (longPollWindow == null || longPollWindow.compareTo(Duration.ofMillis(10)) < 0) {
        throw new UsageException("--longpoll-window must be at least 10ms");
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new UsageException("--tls-cert and --tls-key go together: give both or neither");
      }
      for (Path file : new Path[] {tlsCert, tlsKey}) {
        if (file != null && !Files.isRegularFile(file)) {
          throw new UsageException("TLS file " + file + " does not exist");
        }
        if (file != null && !Files.isReadable(file)) {
          throw new UsageException("TLS file " + file + " is not readable");
        }
      }
    }

    public static Transports defaults() {
      return new Transports(Duration.ofSeconds(10), false, null, null);
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  public LaunchOptions {
    if (offerTimeout == null) {
      offerTimeout = DEFAULT_OFFER_TIMEOUT;
    }
    if (reassignAfter == null) {
      reassignAfter = DEFAULT_REASSIGN_AFTER;
    }
    if (transports == null) {
      transports = Transports.defaults();
    }
    if (historyTtl == null) {
      historyTtl = DEFAULT_HISTORY_TTL;
    }
    if (historySize < 0 || historySize > 100_000) {
      throw new UsageException("--history-size must be 0..100000, got " + historySize);
    }
    if (logFormat == null) {
      logFormat = "text";
    }
    if (tunables == null) {
      tunables = Tunables.defaults();
    }
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new UsageException("--log-format must be text or json, got " + logFormat);
    }
    if (drainInterval == null) {
      drainInterval = DEFAULT_DRAIN_INTERVAL;
    }
    if (presenceCountRate < 1) {
      throw new UsageException(
          "--presence-count-rate must be at least 1, got " + presenceCountRate);
    }
    if (drainBatch < 1) {
      throw new UsageException("--drain-batch must be at least 1, got " + drainBatch);
    }
    if (apiKey != null && apiKey.length() < 16) {
      throw new UsageException("--api-key must be at least 16 characters");
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be 0..65535, got " + port);
    }
    if (host == null || host.isBlank()) {
      throw new UsageException("--host must not be empty");
    }
    if (node == null || node.isBlank() || !node.matches("[A-Za-z0-9._@-]+")) {
      throw new UsageException("--node must be letters, digits, '.', '_', '@' or '-', got " + node);
    }
    if (origins != null) {
      origins = List.copyOf(origins);
      for (String origin : origins) {
        if (!origin.equals("*") && !origin.contains("//")) {
          throw new UsageException(
              "--origin entries look like https://host:port, //host or //*.host, got " + origin);
        }
      }
    }
  }

  /**
   * The endpoint's origin allow-list (empty: no check). Production, i.e. listening beyond loopback,
   * checks by default, as Phoenix's {@code check_origin} does, so a page on another site cannot
   * open sockets with its visitors' browsers.
   */
  public List<String> allowedOrigins() {
    if (origins != null) {
      return origins.contains("*") ? List.of() : origins;
    }
    if (isLoopback(host)) {
      return List.of();
    }
    List<String> defaults = new ArrayList<>(List.of("//localhost", "//127.0.0.1"));
    try {
      defaults.add("//" + InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      // the two above still serve a page opened on this machine
    }
    return List.copyOf(defaults);
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return host.matches("[0-9.:]+") && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public static LaunchOptions defaults() {
    return new LaunchOptions("0.0.0.0", 4000, Duration.ofSeconds(5), defaultNode(), null, false);
  }

  /** The flags that take a value; each is also read from {@code ROLLCALL_<FLAG>}. */
  static final List<String> VALUE_FLAGS =
      Stream.concat(
              Stream.of(
                  "--port",
                  "--host",
                  "--notify-interval",
                  "--node",
                  "--redis",
                  "--longpoll-window",
                  "--compress",
                  "--tls-cert",
                  "--tls-key",
                  "--origin",
                  "--offer-timeout",
                  "--reassign-after",
                  "--history-size",
                  "--history-ttl",
                  "--api-key",
                  "--drain-batch",
                  "--drain-interval",
                  "--log-format",
                  "--presence-count-rate"),
              TunableOptions.FLAGS.stream())
          .toList();

  /** {@code --notify-interval} → {@code ROLLCALL_NOTIFY_INTERVAL}. */
  static String environmentName(String flag) {
    return "ROLLCALL_" + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Parses {@code args} over the options found in {@code environment} (a flag given on the command
   * line wins). A bad environment value is reported with its variable's name.
   */
  public static LaunchOptions parse(Map<String, String> environment, String... args) {
    List<String> all = new ArrayList<>();
    for (String flag : VALUE_FLAGS) {
      String value = environment.get(environmentName(flag));
      if (value == null || value.isEmpty()) {
        continue;
      }
      try {
        parse(false, flag + "=" + value);
      } catch (UsageException e) {
        throw new UsageException(environmentName(flag) + ": " + e.getMessage());
      }
      all.add(flag + "=" + value);
    }
    all.addAll(Arrays.asList(args));
    return parse(all.toArray(String[]::new));
  }

  /** Parses {@code args}; throws {@link UsageException} with a message naming the bad flag. */
  public static LaunchOptions parse(String... args) {
    return parse(true, args);
  }

  /**
   * {@code together}: whether to check the options that constrain each other, which only makes
   * sense once every source of options has been read.
   */
  private static LaunchOptions parse(boolean together, String... args) {
    var command = new LaunchCommand();
    // The environment's options come first; the command line repeats and overrides them.
    var commandLine = new CommandLine(command).setOverwrittenOptionsAllowed(true);
    try {
      commandLine.parseArgs(args);
    } catch (CommandLine.MissingParameterException e) {
      String flag =
          !e.getMissing().isEmpty()
                  && e.getMissing().getFirst() instanceof CommandLine.Model.OptionSpec option
              ? option.longestName()
              : optionName(e);
      throw new UsageException(flag + " needs a value");
    } catch (CommandLine.UnmatchedArgumentException e) {
      String first = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().getFirst();
      if (first.startsWith("-")) {
        int equals = first.indexOf('=');
        String flag = equals > 0 ? first.substring(0, equals) : first;
        throw new UsageException("unknown option: " + flag + " (see --help)");
      }
      throw new UsageException("unexpected argument: " + first);
    } catch (CommandLine.ParameterException e) {
      if (e.getCause() instanceof UsageException usage) {
        throw new UsageException(usage.getMessage().replace(FLAG_PLACEHOLDER, optionName(e)));
      }
      throw new UsageException(e.getMessage());
    }
    return new LaunchOptions(
        command.host,
        command.port,
        command.notifyInterval,
        command.node == null ? defaultNode() : command.node,
        command.redis,
        command.help,
        command.origins(),
        command.offerTimeout,
        command.reassignAfter,
        new Transports(command.longPollWindow, command.compress, command.tlsCert, command.tlsKey),
        command.historySize,
        command.historyTtl,
        command.apiKey,
        command.drainBatch,
        command.drainInterval,
        command.logFormat,
        command.presenceCountRate,
        together ? command.tunables.tunables().checkedTogether() : command.tunables.tunables());
  }

  private static String optionName(CommandLine.ParameterException e) {
    return e.getArgSpec() instanceof CommandLine.Model.OptionSpec option
        ? option.longestName()
        : "argument";
  }

  /** {@code 200ms}, {@code 5s}, {@code 1m}, {@code 1h}. */
  static Duration parseDuration(String value) {
    return parseDuration("--notify-interval", value);
  }

  static Duration parseDuration(String flag, String value) {
    Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new UsageException(
          flag + " must be a number with ms, s, m or h (like 200ms or 5s), got " + value);
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration duration =
        switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
    if (duration.compareTo(Duration.ofMillis(10)) < 0) {
      throw new UsageException(flag + " must be at least 10ms, got " + value);
    }
    return duration;
  }

  /** {@code 200ms}, {@code 5s}, {@code 20m}: as a flag takes it, in its largest whole unit. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  static URI parseRedis(String value) {
    try {
      URI uri = new URI(value);
      if (!Set.of("redis", "rediss", "redis-sentinel", "redis-cluster").contains(uri.getScheme())) {
        throw new UsageException("--redis must be a redis:// URL, got " + value);
      }
      try {
        RedisConfig.defaults().withUri(value); // the full check
      } catch (IllegalArgumentException e) {
        throw new UsageException("--redis: " + e.getMessage());
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new UsageException("--redis must be a redis:// URL, got " + value);
    }
  }

  private static String defaultNode() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "");
    } catch (UnknownHostException e) {
      host = "";
    }
    String suffix = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    return (host.isEmpty() ? "node" : host) + "-" + suffix;
  }
}
