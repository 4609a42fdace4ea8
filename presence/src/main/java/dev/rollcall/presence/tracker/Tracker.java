package dev.rollcall.presence.tracker;

import dev.rollcall.presence.Presence.Result;
import dev.rollcall.presence.PresenceCount;
import dev.rollcall.presence.PresenceGroups;
import dev.rollcall.presence.PresenceNode;
import dev.rollcall.presence.PresencePage;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.TrackerObserver;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.TrackerState;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of a tracker on this node (after Phoenix.Tracker.Shard): it owns a {@link
 * TrackerState}, gossips its deltas to its peers over a {@link PubSub} shortly after each local
 * change ({@link TrackerConfig#deltaDelay()}) and on a heartbeat, repairs gaps with full transfers,
 * and marks silent peers down, then forgets them. This class starts and stops a replica and is its
 * face; each job is a part of its own: {@link LocalChanges}, {@link ViewUpkeep}, {@link Inbox},
 * {@link Heartbeat}, {@link Transfers}, {@link Peers}.
 *
 * <p>Threading: one {@link Actor} owns the state, the peers' bookkeeping and the heartbeat. {@link
 * #track}, {@link #untrack}, {@link #update} and {@link #untrackAll} run on the caller's thread:
 * they check and record the change in a concurrent registry and view, then queue it for the actor;
 * {@link #list} and {@link #get} read the view. Neither ever waits for the actor (phoenix #2238).
 */
public final class Tracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tracker.class);
  private static final Duration SHUTDOWN_ANNOUNCEMENT = Duration.ofSeconds(5);
  private static final Duration INSPECTION = Duration.ofSeconds(10);

  private final TrackerConfig config;
  private final Replica replica;
  private final Actor actor;
  private final TrackerState state;
  private final PresenceView view;
  private final Gossip gossip;
  private final Inbox inbox;
  private final LocalChanges local;
  private final Heartbeat heartbeat;
  private final TrackerTimings timings;
  private final Peers peers;
  private final TrackerClock clock;
  private volatile boolean closed;

  private Tracker(
      PubSub pubSub,
      TrackerConfig config,
      TrackerListener listener,
      TrackerClock clock,
      Actor actor,
      PresenceGroups groups) {
    this.config = Objects.requireNonNull(config, "config");
    this.view = new PresenceView(groups);
    Objects.requireNonNull(listener, "listener");
    this.actor = actor;
    // A new version on every start: peers drop the entries of this node's previous life.
    long version =
        clock.epochMillis() * 1_000_000L + ThreadLocalRandom.current().nextLong(1_000_000L);
    this.replica = new Replica(pubSub.node(), version);
    this.state = new TrackerState(replica);
    ViewUpkeep upkeep = new ViewUpkeep(view, listener, config.name());
    // Subscribed only once everything is built (start), so the inbox is there before a message.
    this.gossip = new Gossip(pubSub, config.topic(), this::receive);
    this.timings = new TrackerTimings(clock);
    Transfers transfers = new Transfers(state, gossip, upkeep, config, timings);
    this.clock = clock;
    this.peers = new Peers(state, upkeep, transfers, config);
    this.inbox = new Inbox(state, upkeep, peers, transfers, actor, clock, config, timings);
    this.heartbeat = new Heartbeat(state, gossip, transfers, peers, actor, clock, config, timings);
    this.local = new LocalChanges(state, view, listener, actor, heartbeat);
  }

  /**
   * Starts a replica on this node, on a thread of its own and the system's clocks; {@code listener}
   * hears every change it observes. It registers the tracker's codec on {@code pubSub}.
   */
  public static Tracker start(PubSub pubSub, TrackerConfig config, TrackerListener listener) {
    return start(pubSub, config, listener, PresenceGroups.none());
  }

  /**
   * Like {@link #start(PubSub, TrackerConfig, TrackerListener)}, counting keys by {@code groups}.
   */
  public static Tracker start(
      PubSub pubSub, TrackerConfig config, TrackerListener listener, PresenceGroups groups) {
    Objects.requireNonNull(pubSub, "pubSub");
    Actor actor = new ExecutorActor("rollcall-tracker-" + config.name() + "-" + pubSub.node());
    return start(pubSub, config, listener, TrackerClock.SYSTEM, actor, groups);
  }

  /** Starts a replica whose time and thread are {@code clock} and {@code actor}. */
  static Tracker start(
      PubSub pubSub,
      TrackerConfig config,
      TrackerListener listener,
      TrackerClock clock,
      Actor actor) {
    return start(pubSub, config, listener, clock, actor, PresenceGroups.none());
  }

  private static Tracker start(
      PubSub pubSub,
      TrackerConfig config,
      TrackerListener listener,
      TrackerClock clock,
      Actor actor,
      PresenceGroups groups) {
    pubSub.register(new TrackerCodec());
    Tracker tracker = new Tracker(pubSub, config, listener, clock, actor, groups);
    tracker.gossip.listen();
    tracker.heartbeat.start();
    return tracker;
  }

  private void receive(Delivery delivery) {
    inbox.receive(delivery);
  }

  public Replica replica() {
    return replica;
  }

  public TrackerConfig config() {
    return config;
  }

  /** Times heartbeats and merges from now on ({@link TrackerObserver#NONE} stops). */
  public void observe(TrackerObserver observer) {
    timings.observe(Objects.requireNonNull(observer, "observer"));
  }

  // ---- local changes (callers' threads) ------------------------------------------------------

  /** Tracks {@code owner} on {@code topic} under {@code key}; the result carries the phx_ref. */
  public Result track(String owner, String topic, String key, Map<String, Object> meta) {
    return local.track(owner, topic, key, meta);
  }

  /** Stops tracking {@code owner} under {@code key} on {@code topic}. */
  public Result untrack(String owner, String topic, String key) {
    return local.untrack(owner, topic, key);
  }

  /** Replaces the meta; the new one carries the old phx_ref as phx_ref_prev. */
  public Result update(String owner, String topic, String key, Map<String, Object> meta) {
    return local.update(owner, topic, key, meta);
  }

  /** Stops tracking everything {@code owner} tracks (its channel ended). */
  public void untrackAll(String owner) {
    local.untrackAll(owner);
  }

  // ---- reads (any thread) --------------------------------------------------------------------

  /** {@code key -> metas} of everyone listed on {@code topic}, on every node. */
  public Map<String, List<Map<String, Object>>> list(String topic) {
    return view.list(topic);
  }

  /** The metas of {@code key} on {@code topic}, or an empty list. */
  public List<Map<String, Object>> get(String topic, String key) {
    return view.get(topic, key);
  }

  /**
   * {@code key -> {"metas": [...]}} of everyone listed on {@code topic}, as {@code presence_state}
   * carries it: a mutable copy whose values are immutable and encode to JSON once however often
   * they are listed (see {@link dev.rollcall.protocol.EncodedJson}).
   */
  public Map<String, Map<String, Object>> presences(String topic) {
    return view.presences(topic);
  }

  /** {@code {"metas": [...]}} of {@code key} on {@code topic} (immutable), or null. */
  public Map<String, Object> presence(String topic, String key) {
    return view.presence(topic, key);
  }

  /** Topic → number of keys listed on it, for every topic with anyone on it. */
  public Map<String, Integer> topics() {
    return view.topics();
  }

  /** This node first, then its peers by name, as the actor last saw them. */
  public List<PresenceNode> nodes() {
    long now = clock.nanoTime();
    List<PresenceNode> nodes = new ArrayList<>();
    nodes.add(new PresenceNode(replica.name(), true, true, Duration.ZERO));
    new TreeMap<>(peers.sightings())
        .forEach(
            (name, seen) ->
                nodes.add(
                    new PresenceNode(
                        name,
                        false,
                        seen.up(),
                        Duration.ofNanos(Math.max(0, now - seen.heardAt())))));
    return nodes;
  }

  /** Keys on {@code topic}, in total and by group; O(groups). */
  public PresenceCount count(String topic) {
    return view.count(topic);
  }

  /**
   * The keys of one page of {@code query}, ascending, each {@code {"metas": [...]}}, and whether
   * more match after them.
   *
   * @throws IllegalArgumentException for a group that is not configured
   */
  PresenceView.Slice page(String topic, PresencePage.Query query) {
    int group = ListedPresence.NO_GROUP;
    if (query.group() != null) {
      group = view.groups().precedence().indexOf(query.group());
      if (group < 0) {
        throw new IllegalArgumentException(
            "unknown group '" + query.group() + "': groups are " + view.groups().precedence());
      }
    }
    return view.slice(topic, query.after(), query.limit(), group, query.prefix());
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /**
   * Stops this replica: tells the peers to drop its presences now (instead of after the down
   * period), then stops its thread.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean announced =
        actor.close(
            () -> {
              try {
                gossip.toAll(new TrackerMessage.GracefulPermdown(replica));
              } catch (RuntimeException e) {
                log.warn("tracker {} could not announce its shutdown: {}", config.name(), e);
              }
            },
            SHUTDOWN_ANNOUNCEMENT);
    if (!announced) {
      log.warn("tracker {} shutdown announcement did not finish", config.name());
    }
    gossip.stopListening();
  }

  // ---- for tests -----------------------------------------------------------------------------

  /**
   * Returns once the tracker's thread has handled everything queued before the call (tests and
   * benchmarks; never needed for correctness).
   */
  public void sync() {
    inspect(state -> null);
  }

  /** Runs {@code read} on the tracker's thread with its state (tests and diagnostics only). */
  <T> T inspect(Function<TrackerState, T> read) {
    return actor.call(() -> read.apply(state), INSPECTION);
  }
}
