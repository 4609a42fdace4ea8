package dev.rollcall.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator's command line, validated. {@code target} and {@code baseline} are either URLs
 * or {@code auto} (start the server on a free loopback port for the run).
 *
 * @param workerIndex which share of the connections this process drives, or -1 in the parent
 * @param nodes grow: dispatch nodes to start on a Redis the tool starts, or 0 to use {@code target}
 * @param originNanos grow: the parent's System.nanoTime() at the start of the run, which workers
 *     time their joins from (0 in the parent before a run)
 */
record BenchOptions(
    Scenario scenario,
    String target,
    String baseline,
    int connections,
    int rampRate,
    String topic,
    Duration heartbeat,
    Duration duration,
    Duration warmup,
    double rate,
    int burst,
    int workers,
    int sources,
    int eventLoops,
    Duration timeout,
    long serverPid,
    String serverOpts,
    Path json,
    boolean help,
    int workerIndex,
    PresenceMode presence,
    int nodes,
    long originNanos) {

  /** One process may hold 20,000 open files here; keep room for the JVM's own. */
  static final int MAX_CONNECTIONS_PER_WORKER = 19_500;

  /**
   * Grow: sockets per worker process by default, under the open-file limit with room to spare (a
   * growing lobby sends each process roster-sized frames to read).
   */
  static final int GROW_CONNECTIONS_PER_WORKER = 15_000;

  /** Grow: sockets per server node at most (each is a file of the node's process too). */
  static final int MAX_CONNECTIONS_PER_NODE = 19_000;

  /** Ephemeral ports per (source, destination) pair, with margin (Linux: 32768-60999). */
  static final int CONNECTIONS_PER_SOURCE = 25_000;

  static final String USAGE =
      """
      Usage: rollcall-bench [options]

      Drives a Phoenix Channels server (Rollcall, or Phoenix) with many WebSocket heroes in the
      dispatch app's lobby, optionally side by side with the Socket.IO baseline, and prints a
      table and JSON: connections reached, join latency, delivery latency p50/p90/p99/max,
      deliveries/s, errors, reconnects.

      Options:
        --scenario S        capacity | fanout | direct | storm | grow (default fanout)
                              capacity  N idle heroes joined and tracked; server heap/RSS per conn
                              fanout    N heroes; one sends notify_all at --rate per second
                              direct    N heroes send notify_direct to random heroes, --rate/s in all
                              storm     N sockets connect, then all join at once; time until every
                                        roster is complete, presence frames per client
                              grow      N heroes join at --ramp-rate over the workers and nodes;
                                        joins/s per tenth of N, bytes received per join, heap
                                        per connection on each node, time from the last join
                                        until every node's count is exact
        --presence M        grow: full | summary | both: heroes follow the whole roster, or
                            join with {"presence": "summary"} and read presence_count; both
                            runs summary, then full, each on fresh servers (default full);
                            capacity: full | summary (summary: the idle heap without the
                            roster traffic of every join)
        --nodes K           grow: start a redis-server and K ./rollcall nodes clustered on it
                            (-Xmx from --server-opts), heroes round-robin over them; at most
                            19,000 heroes per node (default 0: use --url)
        --url URL|auto      Phoenix socket URL, e.g. ws://127.0.0.1:4000/socket/websocket;
                            several, comma-separated, for the nodes of a cluster (heroes are
                            spread round-robin); auto starts ./rollcall on a free port
                            (default auto)
        --baseline URL|auto Socket.IO baseline, e.g. http://127.0.0.1:3000; auto starts
                            bench/peers/socketio on a free port; none to skip (default none)
        --connections N     heroes in all (default 200)
        --ramp-rate R       new connections per second during ramp-up (default 2000)
        --topic T           lobby topic (default notifications:lobby)
        --heartbeat D       Phoenix heartbeat period, 0 for none (default 30s)
        --duration D        length of the measured phase; grow, summary: the longest wait
                            for every presence_count to be exact (default 10s)
        --warmup D          fanout/direct: same load before measuring, not recorded, so JITs
                            are warm on both sides (default 5s)
        --rate R            fanout: broadcasts/s; direct: messages/s in all (default 10 / 200)
        --burst B           fanout: instead of --rate, B broadcasts sent at once by B/25
                            heroes (under Rollcall's 100 messages/s per socket), after warm-up
                            bursts; deliveries/s from the first send to the last delivery
                            (the fan-out target: --connections 1000 --burst 100; default 0: off)
        --workers N         worker processes sharing the connections (default: enough for
                            19,500 connections each, the open-file limit here being 20,000;
                            grow: 15,000 each)
        --sources N         loopback source addresses 127.0.0.2 ... to spread connections over
                            (default: one per 25,000 connections)
        --event-loops N     client event loop threads per worker (default 1)
        --timeout D         hard limit for the whole run (default: ramp + duration + 60s)
        --server-pid PID    pid of a local --url server, to report its memory (auto: known)
        --server-opts S     JVM options for an auto-started Rollcall (default -Xmx2g)
        --json FILE         also write the JSON result to FILE
        --help              this text

      Durations: 500ms, 10s, 2m. Everything binds and connects on loopback only.
      """;

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

  BenchOptions {
    if (connections < 1) {
      throw new UsageException("--connections must be ≥ 1");
    }
    if (rampRate < 1) {
      throw new UsageException("--ramp-rate must be ≥ 1");
    }
    if (rate <= 0) {
      throw new UsageException("--rate must be > 0");
    }
    if (burst < 0) {
      throw new UsageException("--burst must be ≥ 0");
    }
    if (burst > 0 && scenario != Scenario.FANOUT) {
      throw new UsageException("--burst is a fanout mode");
    }
    if (workers < 1) {
      throw new UsageException("--workers must be ≥ 1");
    }
    if ((connections + workers - 1) / workers > MAX_CONNECTIONS_PER_WORKER) {
      throw new UsageException(
          "--workers "
              + workers
              + " gives more than "
              + MAX_CONNECTIONS_PER_WORKER
              + " connections per process (open-file limit); use --workers "
              + (connections + MAX_CONNECTIONS_PER_WORKER - 1) / MAX_CONNECTIONS_PER_WORKER);
    }
    if (sources < 1 || sources > 250) {
      throw new UsageException("--sources must be 1..250");
    }
    if ((long) sources * CONNECTIONS_PER_SOURCE < connections) {
      throw new UsageException(
          "--sources " + sources + " is too few for " + connections + " connections");
    }
    if (eventLoops < 1) {
      throw new UsageException("--event-loops must be ≥ 1");
    }
    if (presence != PresenceMode.FULL
        && scenario != Scenario.GROW
        && !(scenario == Scenario.CAPACITY && presence == PresenceMode.SUMMARY)) {
      throw new UsageException("--presence is a grow option (capacity takes --presence summary)");
    }
    if (scenario == Scenario.CAPACITY
        && presence == PresenceMode.SUMMARY
        && !baseline.equals("none")) {
      throw new UsageException(
          "capacity --presence summary measures Rollcall only (the baseline has no summary"
              + " mode): drop --baseline");
    }
    if (scenario == Scenario.GROW && !baseline.equals("none")) {
      throw new UsageException("grow measures Rollcall only: drop --baseline");
    }
    if (nodes < 0) {
      throw new UsageException("--nodes must be ≥ 0");
    }
    if (nodes > 0 && (scenario != Scenario.GROW || !target.equals("auto"))) {
      throw new UsageException("--nodes starts its own servers: a grow option, without --url");
    }
    if (scenario == Scenario.GROW && workerIndex < 0) {
      int servers = nodes > 0 ? nodes : target.equals("auto") ? 1 : urls(target).size();
      if ((connections + servers - 1) / servers > MAX_CONNECTIONS_PER_NODE) {
        throw new UsageException(
            connections
                + " heroes on "
                + servers
                + " node(s) is more than "
                + MAX_CONNECTIONS_PER_NODE
                + " per node (open-file limit); use --nodes "
                + (connections + MAX_CONNECTIONS_PER_NODE - 1) / MAX_CONNECTIONS_PER_NODE);
      }
    }
  }

  /** The options of one grow run: its presence mode and the instant workers time joins from. */
  BenchOptions forRun(PresenceMode mode, long origin) {
    return new BenchOptions(
        scenario,
        target,
        baseline,
        connections,
        rampRate,
        topic,
        heartbeat,
        duration,
        warmup,
        rate,
        burst,
        workers,
        sources,
        eventLoops,
        timeout,
        serverPid,
        serverOpts,
        json,
        help,
        workerIndex,
        mode,
        nodes,
        origin);
  }

  /** The ramp and measured phase plus a minute of slack, unless --timeout says otherwise. */
  Duration hardLimit() {
    if (!timeout.isZero()) {
      return timeout;
    }
    return Duration.ofMillis(connections * 1000L / rampRate)
        .plus(duration)
        .plus(warmup)
        .plusSeconds(60);
  }

  static BenchOptions parse(String... args) {
    Scenario scenario = Scenario.FANOUT;
    String target = "auto";
    String baseline = "none";
    int connections = 200;
    int rampRate = 2000;
    String topic = "notifications:lobby";
    Duration heartbeat = Duration.ofSeconds(30);
    Duration duration = Duration.ofSeconds(10);
    Duration warmup = Duration.ofSeconds(5);
    Double rate = null;
    int burst = 0;
    Integer workers = null;
    Integer sources = null;
    int eventLoops = 1;
    Duration timeout = Duration.ZERO;
    long serverPid = 0;
    String serverOpts = "-Xmx2g";
    Path json = null;
    boolean help = false;
    int workerIndex = -1;
    PresenceMode presence = PresenceMode.FULL;
    int nodes = 0;
    long originNanos = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value = null;
      int equals = flag.indexOf('=');
      if (flag.startsWith("--") && equals > 0) {
        value = flag.substring(equals + 1);
        flag = flag.substring(0, equals);
      }
      if (flag.equals("--help") || flag.equals("-h")) {
        help = true;
        continue;
      }
      if (!flag.startsWith("--")) {
        throw new UsageException("unexpected argument: " + flag);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(flag + " needs a value");
        }
        value = args[++i];
      }
      switch (flag) {
        case "--scenario" -> scenario = Scenario.parse(value);
        case "--url" -> target = checkTarget(flag, value, "ws");
        case "--baseline" -> baseline = checkTarget(flag, value, "http");
        case "--connections" -> connections = integer(flag, value);
        case "--ramp-rate" -> rampRate = integer(flag, value);
        case "--topic" -> topic = value;
        case "--heartbeat" -> heartbeat = duration(flag, value);
        case "--duration" -> duration = duration(flag, value);
        case "--warmup" -> warmup = duration(flag, value);
        case "--rate" -> rate = number(flag, value);
        case "--burst" -> burst = integer(flag, value);
        case "--workers" -> workers = integer(flag, value);
        case "--sources" -> sources = integer(flag, value);
        case "--event-loops" -> eventLoops = integer(flag, value);
        case "--timeout" -> timeout = duration(flag, value);
        case "--server-pid" -> serverPid = integer(flag, value);
        case "--server-opts" -> serverOpts = value;
        case "--json" -> json = Path.of(value);
        case "--worker-index" -> workerIndex = integer(flag, value);
        case "--presence" -> presence = PresenceMode.parse(value);
        case "--nodes" -> nodes = integer(flag, value);
        case "--origin-nanos" -> originNanos = longInteger(flag, value);
        default -> throw new UsageException("unknown option: " + flag + " (see --help)");
      }
    }
    if (rate == null) {
      rate = scenario == Scenario.DIRECT ? 200.0 : 10.0;
    }
    if (workers == null) {
      int perWorker =
          scenario == Scenario.GROW ? GROW_CONNECTIONS_PER_WORKER : MAX_CONNECTIONS_PER_WORKER;
      workers = Math.max(1, (connections + perWorker - 1) / perWorker);
    }
    if (sources == null) {
      sources = Math.max(1, (connections + CONNECTIONS_PER_SOURCE - 1) / CONNECTIONS_PER_SOURCE);
    }
    return new BenchOptions(
        scenario,
        target,
        baseline,
        connections,
        rampRate,
        topic,
        heartbeat,
        duration,
        warmup,
        rate,
        burst,
        workers,
        sources,
        eventLoops,
        timeout,
        serverPid,
        serverOpts,
        json,
        help,
        workerIndex,
        presence,
        nodes,
        originNanos);
  }

  /**
   * The arguments that make a worker process run this same bench, share {@code index}, against one
   * server: a Phoenix one as {@code --url}, or the baseline as {@code --baseline}.
   */
  List<String> workerArgs(String url, boolean socketIo, int index) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--scenario",
            scenario.id(),
            "--url",
            socketIo ? "none" : url,
            "--baseline",
            socketIo ? url : "none"));
    args.addAll(List.of("--connections", Integer.toString(connections)));
    args.addAll(List.of("--ramp-rate", Integer.toString(rampRate), "--topic", topic));
    args.addAll(List.of("--heartbeat", heartbeat.toMillis() + "ms"));
    args.addAll(List.of("--duration", duration.toMillis() + "ms", "--rate", Double.toString(rate)));
    args.addAll(List.of("--warmup", warmup.toMillis() + "ms", "--burst", Integer.toString(burst)));
    args.addAll(List.of("--workers", Integer.toString(workers)));
    args.addAll(List.of("--sources", Integer.toString(sources)));
    args.addAll(List.of("--event-loops", Integer.toString(eventLoops)));
    args.addAll(List.of("--timeout", hardLimit().toMillis() + "ms"));
    args.addAll(List.of("--worker-index", Integer.toString(index)));
    args.addAll(List.of("--presence", presence.id(), "--origin-nanos", Long.toString(originNanos)));
    return args;
  }

  private static String checkTarget(String flag, String value, String scheme) {
    if (value.equals("auto")
        || value.equals("none")
        || value.equals("phoenix")
        || value.equals("socketio")) {
      return value;
    }
    for (String one : value.split(",")) {
      URI uri;
      try {
        uri = URI.create(one);
      } catch (IllegalArgumentException e) {
        throw new UsageException(flag + " is not a URL: " + one);
      }
      if (uri.getHost() == null || uri.getScheme() == null || !uri.getScheme().startsWith(scheme)) {
        throw new UsageException(flag + " must be a " + scheme + ":// URL or auto, got " + one);
      }
    }
    return value;
  }

  /** {@code --url a,b,c}: the nodes of a cluster, heroes spread round-robin over them. */
  static List<URI> urls(String spec) {
    return java.util.Arrays.stream(spec.split(",")).map(String::trim).map(URI::create).toList();
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be an integer, got " + value);
    }
  }

  private static long longInteger(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be an integer, got " + value);
    }
  }

  private static double number(String flag, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be a number, got " + value);
    }
  }

  static Duration duration(String flag, String value) {
    Matcher m = DURATION.matcher(value);
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    if (!m.matches()) {
      throw new UsageException(flag + " must be a duration like 500ms, 10s or 2m, got " + value);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
