package dev.rollcall.dispatch.admin;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.dispatch.offers.Dispatch;
import dev.rollcall.dispatch.offers.DispatchState;
import dev.rollcall.presence.Presence;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's server side on one node. Every sample period it samples this node and publishes
 * the figures to every node ({@link #STATS_TOPIC}); folds the figures it hears into a {@link
 * ClusterView}; adds the cluster totals to the chart's {@link SampleRing}; and, while a dashboard
 * is joined here, pushes the whole view to this node's {@link #TOPIC} subscribers only (every node
 * relays its own view to its own dashboards).
 *
 * <p>Threading: ticks run on one scheduler thread of its own; figures from other nodes arrive on
 * PubSub's thread; {@link #joinReply} runs on a joining channel's thread. Shared state is in the
 * thread-safe view and ring, and one volatile snapshot.
 */
public final class AdminDashboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminDashboard.class);

  /** The dashboards' channel. */
  public static final String TOPIC = "admin:dashboard";

  /** Where every node publishes its figures; no socket route reaches it. */
  static final String STATS_TOPIC = "rollcall:admin:node_stats";

  /** Topics listed on the dashboard, the most populated first. */
  static final int TOPICS_SHOWN = 50;

  private final DashboardConfig config;
  private final PubSub pubSub;
  private final Presence presence;
  private final NodeSampler sampler;
  private final Supplier<List<Dispatch>> dispatches;
  private final Clock clock;
  private final ClusterView view;
  private final SampleRing history;
  private final Subscriber listener = this::heard;
  private final ScheduledExecutorService scheduler;
  private volatile Map<String, Object> board;

  /**
   * @param dispatches every dispatch of the board (the store's load); it may throw when the store
   *     cannot be read, and the dashboard then shows no board
   */
  public AdminDashboard(
      DashboardConfig config,
      PubSub pubSub,
      Presence presence,
      NodeSampler sampler,
      Supplier<List<Dispatch>> dispatches,
      Clock clock) {
    this.config = config;
    this.pubSub = pubSub;
    this.presence = presence;
    this.sampler = sampler;
    this.dispatches = dispatches;
    register(pubSub);
    this.clock = clock;
    this.view = new ClusterView(config);
    this.history = new SampleRing(config.historySamples());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("admin-dashboard").daemon().unstarted(r));
  }

  /**
   * Teaches {@code pubSub} to carry node figures. Call it right after the PubSub is created: a
   * starting node hears its peers' figures from then on, before its dashboard exists.
   */
  public static void register(PubSub pubSub) {
    pubSub.register(new NodeStatsCodec());
  }

  public void start() {
    pubSub.subscribe(STATS_TOPIC, listener);
    long millis = config.samplePeriod().toMillis();
    scheduler.scheduleAtFixedRate(this::tickSafely, 0, millis, TimeUnit.MILLISECONDS);
  }

  private void heard(Delivery delivery) {
    if (delivery.message() instanceof NodeStats stats) {
      view.accept(stats, clock.millis());
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule: log it and keep sampling.
      log.warn("dashboard sample failed: {}", e.toString());
    }
  }

  /** One sample period: publish this node's figures, record the totals, update dashboards. */
  void tick() {
    NodeStats own = sampler.sample();
    // Ours directly: the view must not depend on Redis echoing our own message back.
    view.accept(own, clock.millis());
    pubSub.broadcastFrom(listener, STATS_TOPIC, own);
    long now = clock.millis();
    ClusterView.Snapshot snapshot = view.snapshot(presence.nodes(), now);
    var sample =
        new SampleRing.Sample(
            now,
            snapshot.totals().connections(),
            snapshot.totals().messagesInPerSecond(),
            snapshot.totals().messagesOutPerSecond());
    history.add(sample);
    if (pubSub.subscriberCount(TOPIC) > 0) {
      board = boardCounts();
      Map<String, Object> update = wire(snapshot, now);
      update.put("sample", sample.toWire());
      pubSub.localBroadcast(TOPIC, new Broadcast(TOPIC, "stats", update));
    }
  }

  /** What a dashboard gets on join: the view now and the chart's whole history. */
  public Map<String, Object> joinReply() {
    board = boardCounts();
    long now = clock.millis();
    Map<String, Object> reply = wire(view.snapshot(presence.nodes(), now), now);
    List<Object> samples = new ArrayList<>();
    history.list().forEach(sample -> samples.add(sample.toWire()));
    reply.put("history", samples);
    reply.put("sample_period_ms", config.samplePeriod().toMillis());
    reply.put("history_samples", config.historySamples());
    return reply;
  }

  private Map<String, Object> wire(ClusterView.Snapshot snapshot, long now) {
    Map<String, Object> wire = new LinkedHashMap<>();
    wire.put("node", pubSub.node());
    wire.put("at", now);
    List<Object> nodes = new ArrayList<>();
    snapshot.rows().forEach(row -> nodes.add(row.toWire()));
    wire.put("nodes", nodes);
    wire.put("totals", snapshot.totals().toWire());
    wire.put("topics", topics());
    wire.put("board", board);
    return wire;
  }

  private List<Object> topics() {
    List<Object> topics = new ArrayList<>();
    presence.topics().entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(TOPICS_SHOWN)
        .forEach(e -> topics.add(Map.of("topic", e.getKey(), "count", e.getValue())));
    return topics;
  }

  /** {@code {"counts": {state: n, ...}}} for every state, or null when the store is unreadable. */
  private Map<String, Object> boardCounts() {
    List<Dispatch> all;
    try {
      all = dispatches.get();
    } catch (RuntimeException e) {
      log.debug("dispatch board not readable: {}", e.toString());
      return null;
    }
    return Map.of("counts", countByState(all));
  }

  /** Every state, in the order a dispatch goes through them, with how many are in it. */
  static Map<String, Long> countByState(List<Dispatch> dispatches) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (DispatchState state : DispatchState.values()) {
      counts.put(state.wire(), 0L);
    }
    dispatches.forEach(d -> counts.merge(d.state().wire(), 1L, Long::sum));
    return counts;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    pubSub.unsubscribe(STATS_TOPIC, listener);
  }
}
