package dev.rollcall.bench;

import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.HandshakeException;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives one process's share of the heroes through a scenario: {@link #ramp} (connect, and join
 * unless it is a storm), {@link #measure} (the scenario's measured phase), {@link #finish} (close
 * all, report). Driven by one thread; the connections' callbacks run on the client's event loops
 * and only touch {@link WorkerStats} and the roster bookkeeping.
 */
final class Worker implements LobbyConnection.Events, AutoCloseable {
  /** A body is "bench:<nanoTime of send>"; anything else is not ours and is ignored. */
  static final String BODY_PREFIX = "bench:";

  private static final int MAX_CONNECTS_IN_FLIGHT = 1000;

  /** Summary mode (grow, capacity): the join params that ask for presence_count, no roster. */
  static final Map<String, Object> SUMMARY_JOIN = Map.of("presence", "summary");

  /**
   * Notifications per second one hero sends at most: a fifth of Rollcall's 100/s socket limit,
   * because an overloaded client's event loop writes queued sends in clumps, and a clump beyond the
   * bucket (200) for over a second closes the sender with 1008 (seen at --rate 1000 with 50).
   */
  static final double PER_PUBLISHER_RATE = 20;

  /** --burst: notifications one hero sends at once (Rollcall's default bucket holds 200). */
  static final int BURST_PER_SENDER = 25;

  private final BenchOptions options;
  private final Protocol protocol;
  private final List<URI> urls;
  private final int share;
  private final int firstId;
  private final Consumer<String> progress;
  private final WorkerStats stats = new WorkerStats();
  private final PhoenixClient client;
  private final AtomicReferenceArray<LobbyConnection> connections;

  /** Grow: failed tries of each slot since it last joined (its reconnect step). */
  private final AtomicIntegerArray retries;

  private final List<InetAddress> sources;

  /**
   * The slot of each open connection: a drop finds its slot at once (a scan of the worker's slots
   * per drop made a wave of drops quadratic, ~14 000² for a worker of a 100 000 lobby).
   */
  private final Map<LobbyConnection, Integer> slots = new ConcurrentHashMap<>();

  private final long deadline;
  private volatile boolean stopping;
  private volatile boolean closed;
  private volatile long stormStart;
  private volatile long recordFrom;
  private volatile boolean burstRecording;
  private double measuredSeconds;

  /** The two kinds of server the tool speaks to. */
  enum Protocol {
    PHOENIX,
    SOCKETIO
  }

  Worker(
      BenchOptions options,
      Protocol protocol,
      List<URI> urls,
      int index,
      int count,
      long deadlineNanos,
      Consumer<String> progress) {
    this.options = options;
    this.protocol = protocol;
    this.urls = List.copyOf(urls);
    this.share = options.connections() / count + (index < options.connections() % count ? 1 : 0);
    this.firstId =
        index * (options.connections() / count) + Math.min(index, options.connections() % count);
    this.progress = progress;
    this.deadline = deadlineNanos;
    this.connections = new AtomicReferenceArray<>(share);
    this.retries = new AtomicIntegerArray(share);
    this.client =
        new PhoenixClient(
            ClientConfig.defaults()
                .withEventLoopThreads(options.eventLoops())
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));
    this.sources = sourceAddresses(options.sources());
    this.expectedCount = options.connections();
  }

  WorkerStats stats() {
    return stats;
  }

  int share() {
    return share;
  }

  /** Opens this worker's connections at its part of the ramp rate; joins them unless storm. */
  void ramp() {
    boolean join = options.scenario() != Scenario.STORM;
    double perSecond = (double) options.rampRate() / options.workers();
    long start = System.nanoTime();
    long lastProgress = start;
    for (int slot = 0; slot < share && !pastDeadline(); slot++) {
      long due = start + (long) (slot * 1e9 / perSecond);
      long now;
      while ((now = System.nanoTime()) < due || stats.inFlight.get() >= MAX_CONNECTS_IN_FLIGHT) {
        if (pastDeadline()) {
          return;
        }
        // Until the next connection is due, at most 10 ms (a 200 µs poll woke each worker
        // thousands of times a second); 200 µs once it is due and the in-flight cap holds it.
        LockSupport.parkNanos(Math.clamp(due - now, 200_000, 10_000_000));
        lastProgress = maybeProgress("ramp", lastProgress);
      }
      open(slot, join, false);
      lastProgress = maybeProgress("ramp", lastProgress);
    }
    while (stats.inFlight.get() > 0 && !pastDeadline()) {
      LockSupport.parkNanos(1_000_000);
      lastProgress = maybeProgress("ramp", lastProgress);
    }
    progress.accept(line("ramp done"));
  }

  /**
   * The scenario's measured phase, after the warm-up; returns when it is over or the hard limit is
   * reached. {@code goNanos} is the parent's nanoTime at "go", the same for every worker process
   * (System.nanoTime is CLOCK_MONOTONIC on Linux), so all workers switch from warm-up to measuring
   * at the same instant.
   */
  void measure(long goNanos) {
    if (options.burst() > 0) {
      measureBursts(goNanos);
      return;
    }
    boolean sending =
        options.scenario() == Scenario.FANOUT || options.scenario() == Scenario.DIRECT;
    long measureFrom = goNanos;
    if (sending && !options.warmup().isZero()) {
      // Same load, not recorded: lets both servers (and this client) reach steady state (JIT).
      measureFrom = goNanos + options.warmup().toNanos();
      send(Math.min(deadline, measureFrom));
    }
    recordFrom = measureFrom; // a warm-up notification landing late is not a measured delivery
    stats.sent.reset();
    stats.delivered.reset();
    stats.deliveryMicros.reset();
    long start = System.nanoTime();
    long end = Math.min(deadline, start + options.duration().toNanos());
    switch (options.scenario()) {
      case CAPACITY -> idle(end);
      case FANOUT, DIRECT -> send(end);
      case STORM -> storm(end);
      case GROW -> awaitCounts(end);
    }
    if (sending) {
      drain();
    }
    // Deliveries that land during the drain are counted, so its time is too.
    measuredSeconds = (System.nanoTime() - start) / 1e9;
  }

  /**
   * Fan-out as its target is stated (1000 subscribers × 100 broadcasts): bursts of {@code --burst}
   * broadcasts, each waited for, until the warm-up is over; then one measured burst, timed from its
   * first send to its last delivery.
   */
  private void measureBursts(long goNanos) {
    long measureFrom = Math.min(deadline, goNanos + options.warmup().toNanos());
    // No warm-up burst starts close to the switch, so none is sent after it (all workers switch
    // at the same instant, and count only what was sent after it).
    long lastWarmup = measureFrom - 100_000_000L;
    while (System.nanoTime() < lastWarmup) {
      stats.delivered.reset();
      burst();
      awaitBurst(lastWarmup);
    }
    LockSupport.parkNanos(measureFrom - System.nanoTime());
    stats.sent.reset();
    stats.delivered.reset();
    stats.deliveryMicros.reset();
    recordFrom = measureFrom;
    burstRecording = true;
    long end = Math.min(deadline, System.nanoTime() + options.duration().toNanos());
    burst();
    awaitBurst(end);
    measuredSeconds = stats.burstSeconds();
  }

  /** Worker 0's first heroes send the burst, {@link #BURST_PER_SENDER} each, all at once. */
  private void burst() {
    if (firstId != 0) {
      return;
    }
    int senders = (options.burst() + BURST_PER_SENDER - 1) / BURST_PER_SENDER;
    List<LobbyConnection> publishers = new ArrayList<>();
    for (int slot = 0; slot < share && publishers.size() < senders; slot++) {
      LobbyConnection c = connections.get(slot);
      if (c != null && c.name() != null) {
        publishers.add(c);
      }
    }
    for (int i = 0; i < options.burst() && !publishers.isEmpty(); i++) {
      publishers.get(i % publishers.size()).notifyAll(BODY_PREFIX + System.nanoTime());
      stats.sent.increment();
    }
  }

  /** Until every hero of this worker received the whole burst, or {@code end}. */
  private void awaitBurst(long end) {
    long expected = (long) options.burst() * share;
    long lastProgress = System.nanoTime();
    while (stats.delivered.sum() < expected && System.nanoTime() < end) {
      LockSupport.parkNanos(1_000_000);
      lastProgress = maybeProgress("burst", lastProgress);
    }
  }

  private void send(long end) {
    if (options.scenario() == Scenario.FANOUT) {
      fanOut(end);
    } else {
      direct(end);
    }
  }

  /** Lets frames in flight land (bounded), so the last sends are not counted as lost. */
  private void drain() {
    long grace = Math.min(deadline, System.nanoTime() + 2_000_000_000L);
    long expected = expectedDeliveries();
    while (stats.delivered.sum() < expected && System.nanoTime() < grace) {
      LockSupport.parkNanos(10_000_000);
    }
  }

  /** Reports; from here on drops are the run ending, not errors. */
  WorkerReport finish() {
    stopping = true;
    if (options.scenario() == Scenario.STORM) {
      for (int i = 0; i < share; i++) {
        LobbyConnection c = connections.get(i);
        if (c != null && c.roster() != null) {
          stats.presenceFrames.recordValue(c.roster().frames());
        }
      }
    }
    // Reported before the connections close (the owner closes): closing thousands of sockets
    // with handshakes still pending can take longer than the parent waits for the report.
    return stats.report(measuredSeconds);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    for (int i = 0; i < share; i++) {
      LobbyConnection c = connections.get(i);
      if (c != null) {
        c.close();
      }
    }
    client.close();
  }

  // --- scenarios

  private void idle(long end) {
    long lastProgress = System.nanoTime();
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(50_000_000);
      lastProgress = maybeProgress("idle", lastProgress);
    }
  }

  /**
   * Worker 0's first heroes publish, each at most {@link #PER_PUBLISHER_RATE}/s (a server may
   * rate-limit a socket: Rollcall's default is 100 frames/s); everyone (publishers too) receives.
   */
  private void fanOut(long end) {
    List<Integer> publishers = new ArrayList<>();
    int wanted = (int) Math.ceil(options.rate() / PER_PUBLISHER_RATE);
    for (int slot = 0; firstId == 0 && slot < share && publishers.size() < wanted; slot++) {
      LobbyConnection c = connections.get(slot);
      if (c != null && c.name() != null) {
        publishers.add(slot);
      }
    }
    int[] next = {0};
    paced(
        end,
        options.rate(),
        () -> {
          if (publishers.isEmpty()) {
            return;
          }
          // Read the slot each time: a dropped publisher is replaced by its reconnection.
          LobbyConnection publisher =
              connections.get(publishers.get(next[0]++ % publishers.size()));
          if (publisher != null && publisher.name() != null) {
            publisher.notifyAll(BODY_PREFIX + System.nanoTime());
            stats.sent.increment();
          }
        });
  }

  private void direct(long end) {
    List<LobbyConnection> joined = new ArrayList<>();
    for (int i = 0; i < share; i++) {
      LobbyConnection c = connections.get(i);
      if (c != null && c.name() != null) {
        joined.add(c);
      }
    }
    if (joined.isEmpty()) {
      idle(end);
      return;
    }
    paced(
        end,
        options.rate() / options.workers(),
        () -> {
          var random = ThreadLocalRandom.current();
          LobbyConnection from = joined.get(random.nextInt(joined.size()));
          LobbyConnection to = joined.get(random.nextInt(joined.size()));
          from.notifyDirect(BODY_PREFIX + System.nanoTime(), to.name());
          stats.sent.increment();
        });
  }

  private void storm(long end) {
    stormStart = System.nanoTime();
    for (int slot = 0; slot < share; slot++) {
      LobbyConnection c = connections.get(slot);
      if (c != null) {
        join(c, slot);
      }
    }
    long lastProgress = System.nanoTime();
    while (stats.rostersComplete.get() < stats.connected.get() && System.nanoTime() < end) {
      LockSupport.parkNanos(5_000_000);
      lastProgress = maybeProgress("storm", lastProgress);
    }
  }

  /**
   * Grow in summary mode: until every joined hero of this worker has seen the whole lobby in its
   * presence_count, or {@code end}. Returns at once in full mode, and when the server answered the
   * summary join with full presence (a server without summary mode ignores the param).
   */
  private void awaitCounts(long end) {
    if (options.presence() != PresenceMode.SUMMARY) {
      return;
    }
    long lastProgress = System.nanoTime();
    while (System.nanoTime() < end) {
      int joined = stats.present.get();
      if (joined > 0 && stats.countsExact.get() >= joined) {
        return;
      }
      if (stats.countFrames.sum() == 0 && stats.fullPresenceFrames.sum() >= joined) {
        return;
      }
      LockSupport.parkNanos(5_000_000);
      lastProgress = maybeProgress("counts", lastProgress);
    }
  }

  /** Runs {@code send} {@code perSecond} times a second until {@code end}, catching up ≤ 1 s. */
  private void paced(long end, double perSecond, Runnable send) {
    long start = System.nanoTime();
    long done = 0;
    long lastProgress = start;
    while (System.nanoTime() < end) {
      long due = (long) ((System.nanoTime() - start) * perSecond / 1e9);
      // Late by more than a second (this process starved): skip the backlog rather than send it
      // in one clump, which no longer measures the rate and trips per-socket limits.
      done = Math.max(done, due - (long) Math.ceil(perSecond));
      for (; done < due; done++) {
        send.run();
      }
      LockSupport.parkNanos(1_000_000);
      lastProgress = maybeProgress("measure", lastProgress);
    }
  }

  private long expectedDeliveries() {
    return switch (options.scenario()) {
      // Only worker 0 knows what it sent; others wait out the grace period at most.
      case FANOUT -> firstId == 0 ? stats.sent.sum() * share : Long.MAX_VALUE;
      case DIRECT -> stats.sent.sum();
      default -> 0;
    };
  }

  private LobbyConnection firstJoined() {
    for (int i = 0; i < share; i++) {
      LobbyConnection c = connections.get(i);
      if (c != null && c.name() != null) {
        return c;
      }
    }
    return null;
  }

  // --- connections

  private void open(int slot, boolean join, boolean reconnect) {
    InetAddress source = sources.get((firstId + slot) % sources.size());
    // Several --url nodes (a cluster): heroes go round-robin over them.
    URI url = urls.get((firstId + slot) % urls.size());
    SocketOptions socketOptions =
        SocketOptions.defaults()
            .withLocalAddress(source)
            .withHeartbeat(options.heartbeat().isZero() ? null : options.heartbeat());
    boolean trackRoster = options.scenario() == Scenario.STORM;
    Map<String, Object> joinParams =
        options.presence() == PresenceMode.SUMMARY ? SUMMARY_JOIN : Map.of();
    LobbyConnection connection =
        switch (protocol) {
          case PHOENIX ->
              new PhoenixLobbyConnection(
                  client, url, socketOptions, options.topic(), joinParams, trackRoster, this);
          case SOCKETIO ->
              new SocketIoLobbyConnection(client, url, socketOptions, trackRoster, this);
        };
    connections.set(slot, connection);
    slots.put(connection, slot);
    stats.attempted.incrementAndGet();
    stats.inFlight.incrementAndGet();
    if (reconnect) {
      stats.reconnects.incrementAndGet();
    }
    connection
        .connect()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                slots.remove(connection);
                stats.error("connect: " + reason(error));
                if (options.scenario() == Scenario.GROW && !stopping && !pastDeadline()) {
                  // The lobby must reach N: try again as phoenix.js would, still in flight
                  // meanwhile so that the ramp does not end before the retry.
                  CompletableFuture.delayedExecutor(retryDelay(slot), TimeUnit.MILLISECONDS)
                      .execute(
                          () -> {
                            if (!stopping && !pastDeadline()) {
                              open(slot, join, true);
                            }
                            stats.inFlight.decrementAndGet();
                          });
                  return;
                }
                stats.inFlight.decrementAndGet();
                return;
              }
              stats.connected.incrementAndGet();
              if (join) {
                join(connection, slot).whenComplete((name, e) -> stats.inFlight.decrementAndGet());
              } else {
                stats.inFlight.decrementAndGet();
              }
            });
  }

  private CompletableFuture<String> join(LobbyConnection connection, int slot) {
    long start = System.nanoTime();
    return connection
        .join()
        .orTimeout(30, TimeUnit.SECONDS)
        .whenComplete(
            (name, error) -> {
              if (error != null) {
                if (!stopping) {
                  stats.error("join: " + reason(error));
                }
              } else {
                long now = System.nanoTime();
                retries.set(slot, 0);
                stats.joined.incrementAndGet();
                stats.present.incrementAndGet();
                stats.joinMicros.recordValue(Math.max(1, (now - start) / 1000));
                if (options.scenario() == Scenario.GROW) {
                  stats.joinedAt(now, options.originNanos());
                }
              }
            });
  }

  /**
   * How long slot {@code slot} waits before its next try. Grow: phoenix.js's reconnect steps (10,
   * 50, 100, 150, 200, 250, 500, 1000, 2000 ms, then 5 s) per slot until it joins, as its clients
   * would: a flat 200 ms made an overloaded cluster's handshake timeouts a retry storm (33 000
   * timeouts and 36 000 reconnects for a 50 000 lobby). Other scenarios: 200 ms.
   */
  private long retryDelay(int slot) {
    if (options.scenario() != Scenario.GROW) {
      return 200;
    }
    int tries = retries.incrementAndGet(slot);
    return tries <= RECONNECT_STEPS.length ? RECONNECT_STEPS[tries - 1] : 5_000;
  }

  private static final long[] RECONNECT_STEPS = {10, 50, 100, 150, 200, 250, 500, 1000, 2000};

  private static String reason(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HandshakeException handshake) {
      return handshake.status() > 0 ? "HTTP " + handshake.status() : handshake.getMessage();
    }
    if (cause instanceof ConnectException) {
      return "refused";
    }
    if (cause instanceof TimeoutException) {
      return "timeout";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName()
        + (message == null ? "" : " " + message.lines().findFirst().orElse(""));
  }

  // --- events from connections (event loop threads)

  @Override
  public void notification(LobbyConnection connection, String body) {
    if (!body.startsWith(BODY_PREFIX)) {
      return; // e.g. the app's internal service
    }
    long sentAt;
    try {
      sentAt = Long.parseLong(body, BODY_PREFIX.length(), body.length(), 10);
    } catch (NumberFormatException e) {
      stats.undecodable.increment();
      return;
    }
    delivered(connection, sentAt);
  }

  @Override
  public void delivered(LobbyConnection connection, long sentAt) {
    if (sentAt - recordFrom < 0) {
      return;
    }
    long now = System.nanoTime();
    stats.delivered.increment();
    stats.deliveryMicros.recordValue(Math.max(1, (now - sentAt) / 1000));
    if (burstRecording) {
      stats.burstDelivery(sentAt, now);
    }
  }

  @Override
  public void rosterChanged(LobbyConnection connection) {
    Roster roster = connection.roster();
    if (roster.size() == options.connections() && stormStart != 0 && !complete(connection)) {
      markComplete(connection);
      stats.rostersComplete.incrementAndGet();
      stats.rosterMillis.recordValue(Math.max(1, (System.nanoTime() - stormStart) / 1_000_000));
    }
  }

  // A roster counts once even if it later shrinks (a drop elsewhere) and grows back.
  private final java.util.Set<LobbyConnection> completed =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private boolean complete(LobbyConnection connection) {
    return completed.contains(connection);
  }

  private void markComplete(LobbyConnection connection) {
    completed.add(connection);
  }

  @Override
  public void dropped(LobbyConnection dropped, int code) {
    if (stopping) {
      return;
    }
    stats.drops.incrementAndGet();
    stats.error("dropped: close " + code);
    if (dropped.name() != null) {
      stats.present.decrementAndGet(); // its server lists it no more
    }
    latestCount.remove(dropped);
    if (countExact.remove(dropped)) {
      stats.countsExact.decrementAndGet();
    }
    Integer slot = slots.remove(dropped);
    if (slot != null && connections.get(slot) == dropped) {
      // Reconnect like phoenix.js would (after a short backoff), unless the run is over.
      CompletableFuture.delayedExecutor(retryDelay(slot), TimeUnit.MILLISECONDS)
          .execute(
              () -> {
                if (!stopping && !pastDeadline()) {
                  open(slot, options.scenario() != Scenario.STORM || stormStart != 0, true);
                }
              });
    }
  }

  @Override
  public void received(LobbyConnection connection, int bytes) {
    stats.bytesReceived.add(bytes);
  }

  @Override
  public void fullPresence(LobbyConnection connection) {
    stats.fullPresenceFrames.increment();
  }

  @Override
  public void presenceCount(LobbyConnection connection, long count) {
    stats.countFrames.increment();
    Count latest = new Count(count, System.nanoTime());
    latestCount.put(connection, latest);
    judge(connection, latest);
  }

  /**
   * The lobby's size as the nodes list it once the ramp is over: the names present, which is less
   * than the heroes asked for when two heroes on different nodes drew the same name at once (a race
   * the app allows, see docs/cluster.md); presence_count counts names. Re-judges every hero's
   * latest count against it.
   */
  void expectCount(long names) {
    expectedCount = names;
    latestCount.forEach(this::judge);
  }

  private void judge(LobbyConnection connection, Count latest) {
    if (latest.count() == expectedCount) {
      if (countExact.add(connection)) {
        stats.countsExact.incrementAndGet();
        stats.lastExactNanos.accumulateAndGet(latest.at(), WorkerStats::later);
      }
    } else if (countExact.remove(connection)) {
      stats.countsExact.decrementAndGet();
    }
  }

  private record Count(long count, long at) {}

  // Grow: each hero's latest presence_count, and the heroes whose latest is the whole lobby.
  private final Map<LobbyConnection, Count> latestCount = new ConcurrentHashMap<>();
  private final Set<LobbyConnection> countExact = ConcurrentHashMap.newKeySet();
  private volatile long expectedCount;

  @Override
  public void undecodable(LobbyConnection connection, String reason) {
    stats.undecodable.increment();
  }

  // --- helpers

  private boolean pastDeadline() {
    return System.nanoTime() >= deadline;
  }

  private long maybeProgress(String phase, long last) {
    long now = System.nanoTime();
    if (now - last < 1_000_000_000L) {
      return last;
    }
    progress.accept(line(phase));
    return now;
  }

  private String line(String phase) {
    return phase
        + " connected "
        + stats.connected.get()
        + "/"
        + share
        + " joined "
        + stats.joined.get()
        + " errors "
        + stats.errorCount()
        + " delivered "
        + stats.delivered.sum()
        + (options.scenario() == Scenario.STORM ? " rosters " + stats.rostersComplete.get() : "");
  }

  /** 127.0.0.2, 127.0.0.3, ...: each gives another ~28k ephemeral ports towards the server. */
  static List<InetAddress> sourceAddresses(int count) {
    List<InetAddress> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = 2 + i;
      try {
        addresses.add(InetAddress.getByAddress(new byte[] {127, 0, (byte) (n >> 8), (byte) n}));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return addresses;
  }
}
