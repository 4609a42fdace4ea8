package dev.rollcall.presence.tracker;

import dev.rollcall.presence.Presence.Result;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.presence.crdt.Delta;
import dev.rollcall.presence.crdt.Entry;
import dev.rollcall.presence.crdt.MergeResult;
import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.ReplicaStatus;
import dev.rollcall.presence.crdt.Snapshot;
import dev.rollcall.presence.crdt.TrackerState;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of a tracker on this node (after Phoenix.Tracker.Shard): it owns a {@link
 * TrackerState}, gossips its deltas to its peers over a {@link PubSub} shortly after each local
 * change ({@link TrackerConfig#deltaDelay()}) and on a heartbeat, repairs gaps with full transfers,
 * and marks silent peers down, then forgets them.
 *
 * <p>Threading: one thread (the "actor") owns the state, the peers' bookkeeping and the heartbeat.
 * {@link #track}, {@link #untrack}, {@link #update} and {@link #untrackAll} run on the caller's
 * thread: they check and record the change in a concurrent registry and view, then queue it for the
 * actor; {@link #list} and {@link #get} read the view. Neither ever waits for the actor (phoenix
 * #2238).
 */
public final class Tracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tracker.class);
  private static final int MAX_KEY_BYTES = 256;

  /** Entries per transfer message: ~400 KB of JSON, far below Redis's pubsub buffer limits. */
  static final int TRANSFER_CHUNK_ENTRIES = 5_000;

  private record TopicKey(String topic, String key) {}

  private final PubSub pubSub;
  private final TrackerConfig config;
  private final TrackerListener listener;
  private final LongSupplier nanoTime;
  private final Replica replica;
  private final String topic;
  private final ScheduledExecutorService actor;
  private final Subscriber subscriber = this::receive;
  private final PhxRefs refs = new PhxRefs();

  /** What each local owner tracks; changed on callers' threads, one owner at a time. */
  private final ConcurrentHashMap<String, Map<TopicKey, Map<String, Object>>> registry =
      new ConcurrentHashMap<>();

  private final PresenceView view = new PresenceView();

  // ---- confined to the actor ----
  private final TrackerState state;
  private final Map<String, Replica> incarnations = new HashMap<>();
  private final Map<Replica, Long> lastHeard = new HashMap<>();
  private final Map<Replica, Long> transferAskedAt = new HashMap<>();
  private final Map<Replica, Long> advertised = new HashMap<>();
  private final Map<Replica, Boolean> needsTransfer = new LinkedHashMap<>();
  private boolean deltaFlushScheduled;
  private long nameClashes;
  private volatile boolean closed;

  private Tracker(
      PubSub pubSub, TrackerConfig config, TrackerListener listener, LongSupplier nanoTime) {
    this.pubSub = Objects.requireNonNull(pubSub, "pubSub");
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoTime = nanoTime;
    // A new version on every start: peers drop the entries of this node's previous life.
    long version =
        System.currentTimeMillis() * 1_000_000L + ThreadLocalRandom.current().nextLong(1_000_000L);
    this.replica = new Replica(pubSub.node(), version);
    this.topic = config.topic();
    this.state = new TrackerState(replica);
    this.actor =
        Executors.newSingleThreadScheduledExecutor(
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("rollcall-tracker-" + config.name() + "-" + pubSub.node())
                    .unstarted(r));
  }

  /** Starts a replica on this node; {@code listener} hears every change it observes. */
  public static Tracker start(PubSub pubSub, TrackerConfig config, TrackerListener listener) {
    pubSub.register(new TrackerCodec());
    Tracker tracker = new Tracker(pubSub, config, listener, System::nanoTime);
    pubSub.subscribe(tracker.topic, tracker.subscriber);
    long period = config.broadcastPeriod().toNanos();
    // The first beat is jittered so nodes started together do not beat in lockstep.
    long first = period + ThreadLocalRandom.current().nextLong(period / 4 + 1);
    tracker.actor.schedule(tracker::heartbeat, first, TimeUnit.NANOSECONDS);
    return tracker;
  }

  public Replica replica() {
    return replica;
  }

  public TrackerConfig config() {
    return config;
  }

  // ---- local changes (callers' threads) ------------------------------------------------------

  /** Tracks {@code owner} on {@code topic} under {@code key}; the result carries the phx_ref. */
  public Result track(String owner, String topic, String key, Map<String, Object> meta) {
    String invalid = invalid(owner, topic, key);
    if (invalid != null) {
      return new Result.Error(invalid);
    }
    Map<String, Object> stamped;
    try {
      stamped = PresenceMeta.stamp(meta, refs.next(), null);
    } catch (IllegalArgumentException e) {
      return new Result.Error("invalid meta: " + e.getMessage());
    }
    TopicKey at = new TopicKey(topic, key);
    Result[] result = new Result[1];
    registry.compute(
        owner,
        (o, tracked) -> {
          if (tracked != null && tracked.containsKey(at)) {
            result[0] = new Result.Error("already_tracked");
            return tracked;
          }
          if (!enqueue(() -> state.join(topic, key, owner, stamped))) {
            result[0] = new Result.Error("tracker stopped");
            return tracked;
          }
          view.add(topic, key, stamped);
          result[0] = new Result.Ok((String) stamped.get(PresenceMeta.PHX_REF));
          return with(tracked, at, stamped);
        });
    if (result[0] instanceof Result.Ok) {
      listener.handleDiff(topic, List.of(new KeyedMeta(key, stamped)), List.of());
    }
    return result[0];
  }

  /** Stops tracking {@code owner} under {@code key} on {@code topic}. */
  public Result untrack(String owner, String topic, String key) {
    TopicKey at = new TopicKey(topic, key);
    Object[] left = new Object[1];
    registry.computeIfPresent(
        owner,
        (o, tracked) -> {
          Map<String, Object> meta = tracked.get(at);
          if (meta == null || !enqueue(() -> state.leave(topic, owner, key))) {
            return tracked;
          }
          view.remove(topic, key, meta);
          left[0] = meta;
          return without(tracked, at);
        });
    if (!(left[0] instanceof Map<?, ?>)) {
      return new Result.Error("nopresence");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) left[0];
    listener.handleDiff(topic, List.of(), List.of(new KeyedMeta(key, meta)));
    return new Result.Ok((String) meta.get(PresenceMeta.PHX_REF));
  }

  /** Replaces the meta; the new one carries the old phx_ref as phx_ref_prev. */
  public Result update(String owner, String topic, String key, Map<String, Object> meta) {
    TopicKey at = new TopicKey(topic, key);
    String ref = refs.next();
    Result[] result = {new Result.Error("nopresence")};
    Object[] change = new Object[2];
    registry.computeIfPresent(
        owner,
        (o, tracked) -> {
          Map<String, Object> old = tracked.get(at);
          if (old == null) {
            return tracked;
          }
          Map<String, Object> stamped;
          try {
            stamped = PresenceMeta.stamp(meta, ref, (String) old.get(PresenceMeta.PHX_REF));
          } catch (IllegalArgumentException e) {
            result[0] = new Result.Error("invalid meta: " + e.getMessage());
            return tracked;
          }
          if (!enqueue(() -> state.update(topic, owner, key, stamped))) {
            result[0] = new Result.Error("tracker stopped");
            return tracked;
          }
          view.replace(topic, key, old, stamped);
          change[0] = old;
          change[1] = stamped;
          result[0] = new Result.Ok(ref);
          return with(tracked, at, stamped);
        });
    if (result[0] instanceof Result.Ok) {
      @SuppressWarnings("unchecked")
      Map<String, Object> old = (Map<String, Object>) change[0];
      @SuppressWarnings("unchecked")
      Map<String, Object> joined = (Map<String, Object>) change[1];
      listener.handleDiff(
          topic, List.of(new KeyedMeta(key, joined)), List.of(new KeyedMeta(key, old)));
    }
    return result[0];
  }

  /** Stops tracking everything {@code owner} tracks (its channel ended). */
  public void untrackAll(String owner) {
    Object[] left = new Object[1];
    registry.computeIfPresent(
        owner,
        (o, tracked) -> {
          if (!enqueue(() -> state.leaveAll(owner))) {
            return tracked;
          }
          tracked.forEach((at, meta) -> view.remove(at.topic(), at.key(), meta));
          left[0] = tracked;
          return null;
        });
    if (left[0] instanceof Map<?, ?> tracked) {
      @SuppressWarnings("unchecked")
      Map<TopicKey, Map<String, Object>> byKey = (Map<TopicKey, Map<String, Object>>) tracked;
      byKey.forEach(
          (at, meta) ->
              listener.handleDiff(at.topic(), List.of(), List.of(new KeyedMeta(at.key(), meta))));
    }
  }

  private static String invalid(String owner, String topic, String key) {
    if (owner == null || owner.isEmpty()) {
      return "invalid owner: empty";
    }
    if (topic == null || topic.isEmpty()) {
      return "invalid topic: empty";
    }
    if (key == null || key.isEmpty()) {
      return "invalid key: empty";
    }
    if (key.length() > MAX_KEY_BYTES / 3
        && key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      return "invalid key: longer than " + MAX_KEY_BYTES + " bytes";
    }
    return null;
  }

  private static Map<TopicKey, Map<String, Object>> with(
      Map<TopicKey, Map<String, Object>> tracked, TopicKey at, Map<String, Object> meta) {
    if (tracked == null || tracked.isEmpty() || (tracked.size() == 1 && tracked.containsKey(at))) {
      return Map.of(at, meta);
    }
    Map<TopicKey, Map<String, Object>> next = new HashMap<>(tracked);
    next.put(at, meta);
    return Map.copyOf(next);
  }

  private static Map<TopicKey, Map<String, Object>> without(
      Map<TopicKey, Map<String, Object>> tracked, TopicKey at) {
    if (tracked.size() == 1) {
      return null;
    }
    Map<TopicKey, Map<String, Object>> next = new HashMap<>(tracked);
    next.remove(at);
    return Map.copyOf(next);
  }

  /** Queues a local change for the actor, which then schedules the early delta that carries it. */
  private boolean enqueue(Runnable change) {
    return enqueueOnActor(
        () -> {
          change.run();
          scheduleDeltaFlush();
        });
  }

  private boolean enqueueOnActor(Runnable task) {
    if (closed) {
      return false;
    }
    try {
      actor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
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

  // ---- the heartbeat (actor) -----------------------------------------------------------------

  private void heartbeat() {
    try {
      broadcastDelta();
      requestTransfers();
      detectDowns();
    } catch (RuntimeException e) {
      log.error("tracker {} heartbeat failed", config.name(), e);
    } finally {
      scheduleNext();
    }
  }

  /**
   * Arranges for the own delta to go out deltaDelay from now, unless a send is already due: every
   * change made until then rides in the same message (actor).
   */
  private void scheduleDeltaFlush() {
    if (deltaFlushScheduled || config.deltaDelay().isZero() || closed) {
      return;
    }
    try {
      actor.schedule(this::flushDelta, config.deltaDelay().toNanos(), TimeUnit.NANOSECONDS);
      deltaFlushScheduled = true;
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * Sends the pending own delta early, as a heartbeat message: receivers merge it and check our
   * clock for gaps exactly as on a periodic beat. Nothing to send if a beat already carried it.
   */
  private void flushDelta() {
    deltaFlushScheduled = false;
    try {
      if (state.hasDelta()) {
        broadcastDelta();
      }
    } catch (RuntimeException e) {
      log.error("tracker {} delta broadcast failed", config.name(), e);
    }
  }

  /** Sends the own changes since the last send, or an empty beat, so silence means failure. */
  private void broadcastDelta() {
    Delta delta = state.hasDelta() ? state.delta() : null;
    state.resetDelta();
    try {
      pubSub.broadcastFrom(
          subscriber, topic, new TrackerMessage.Heartbeat(replica, state.clock(), delta));
    } catch (RuntimeException e) {
      // Peers see the gap in our clock and ask for a transfer.
      log.warn("tracker {} could not broadcast its heartbeat: {}", config.name(), e.toString());
    }
  }

  /** Asks each peer with a gap for its state; an unanswered request is repeated after 2 beats. */
  private void requestTransfers() {
    long now = nanoTime.getAsLong();
    long retryAfter = config.broadcastPeriod().toNanos() * 2;
    for (Replica peer : List.copyOf(needsTransfer.keySet())) {
      Long askedAt = transferAskedAt.get(peer);
      if (askedAt == null || now - askedAt > retryAfter) {
        askTransfer(peer, now);
      }
    }
  }

  private void askTransfer(Replica peer, long now) {
    transferAskedAt.put(peer, now);
    List<Replica> knows = List.copyOf(state.replicas().keySet());
    try {
      pubSub.directBroadcast(
          peer.name(), topic, new TrackerMessage.TransferRequest(replica, peer, knows));
    } catch (RuntimeException e) {
      log.warn("tracker {} could not ask {} for a transfer: {}", config.name(), peer, e.toString());
    }
  }

  /** Marks peers silent for downPeriod down, and forgets those silent for permdownPeriod. */
  private void detectDowns() {
    long now = nanoTime.getAsLong();
    long down = config.downPeriod().toNanos();
    long permdown = config.permdownPeriod().toNanos();
    for (Map.Entry<Replica, Long> heard : List.copyOf(lastHeard.entrySet())) {
      Replica peer = heard.getKey();
      long silence = now - heard.getValue();
      if (silence > permdown) {
        log.info("tracker {}: {} is permanently down", config.name(), peer);
        forget(peer);
      } else if (silence > down && state.status(peer) == ReplicaStatus.UP) {
        log.info("tracker {}: {} is down", config.name(), peer);
        report(state.replicaDown(peer));
      }
    }
  }

  private void scheduleNext() {
    if (!closed) {
      try {
        actor.schedule(this::heartbeat, config.broadcastPeriod().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void forget(Replica peer) {
    report(state.removeDown(peer));
    lastHeard.remove(peer);
    advertised.remove(peer);
    transferAskedAt.remove(peer);
    needsTransfer.remove(peer);
    incarnations.remove(peer.name(), peer);
  }

  // ---- messages from peers (actor) -----------------------------------------------------------

  private void receive(Delivery delivery) {
    if (!(delivery.message() instanceof TrackerMessage message)) {
      log.warn(
          "tracker {} dropped a foreign message on {}: {}",
          config.name(),
          topic,
          delivery.message() == null ? "null" : delivery.message().getClass().getName());
      return;
    }
    if (message.from().equals(replica)) {
      return;
    }
    enqueueOnActor(
        () -> {
          try {
            handle(message);
          } catch (RuntimeException e) {
            log.warn("tracker {} dropped a bad {}: {}", config.name(), message, e.toString());
          }
        });
  }

  private void handle(TrackerMessage message) {
    if (message.from().name().equals(replica.name())) {
      // Two live nodes with one name would remove each other's presences as "restarts".
      if (nameClashes++ % 100 == 0) {
        log.warn(
            "tracker {}: another replica {} uses this node's name; its messages are ignored",
            config.name(),
            message.from());
      }
      return;
    }
    switch (message) {
      case TrackerMessage.Heartbeat heartbeat -> handleHeartbeat(heartbeat);
      case TrackerMessage.TransferRequest request -> handleTransferRequest(request);
      case TrackerMessage.TransferAck ack -> handleTransferAck(ack);
      case TrackerMessage.GracefulPermdown permdown -> handleGracefulPermdown(permdown);
    }
  }

  private void handleHeartbeat(TrackerMessage.Heartbeat heartbeat) {
    Replica peer = heartbeat.from();
    if (!meet(peer)) {
      return;
    }
    lastHeard.put(peer, nanoTime.getAsLong());
    advertised.put(peer, heartbeat.clock());
    if (heartbeat.delta() != null) {
      report(state.merge(heartbeat.delta()));
    }
    if (state.hasGap(peer, heartbeat.clock())) {
      // First meeting of a replica with history, or a lost delta: ask for everything.
      if (needsTransfer.put(peer, Boolean.TRUE) == null) {
        askTransfer(peer, nanoTime.getAsLong());
      }
    } else {
      needsTransfer.remove(peer);
      transferAskedAt.remove(peer);
    }
  }

  /**
   * Makes sure {@code peer} is known and up; a new version of a known name replaces (and removes
   * the entries of) the old one. Returns false for a message from an older incarnation.
   */
  private boolean meet(Replica peer) {
    Replica known = incarnations.get(peer.name());
    if (known != null && !known.equals(peer)) {
      if (known.version() > peer.version()) {
        return false;
      }
      log.info("tracker {}: {} restarted as {}", config.name(), known, peer);
      forget(known);
    }
    incarnations.put(peer.name(), peer);
    if (state.status(peer) != ReplicaStatus.UP) {
      report(state.replicaUp(peer));
    }
    return true;
  }

  private void handleTransferRequest(TrackerMessage.TransferRequest request) {
    if (!request.to().equals(replica)) {
      return;
    }
    for (Snapshot chunk :
        state.extractChunks(request.from(), request.knows(), TRANSFER_CHUNK_ENTRIES)) {
      pubSub.directBroadcast(
          request.from().name(),
          topic,
          new TrackerMessage.TransferAck(replica, request.from(), chunk));
    }
  }

  private void handleTransferAck(TrackerMessage.TransferAck ack) {
    if (!ack.to().equals(replica) || state.status(ack.from()) == null) {
      return;
    }
    report(state.merge(ack.state()));
    Long clock = advertised.get(ack.from());
    if (clock != null && !state.hasGap(ack.from(), clock)) {
      needsTransfer.remove(ack.from());
      transferAskedAt.remove(ack.from());
    }
  }

  private void handleGracefulPermdown(TrackerMessage.GracefulPermdown permdown) {
    if (permdown.from().equals(incarnations.get(permdown.from().name()))) {
      log.info("tracker {}: {} shut down", config.name(), permdown.from());
      forget(permdown.from());
    }
  }

  /** Applies what a merge changed to the view, then tells the listener, topic by topic. */
  private void report(MergeResult result) {
    if (result.isEmpty()) {
      return;
    }
    Map<String, List<KeyedMeta>> joins = new LinkedHashMap<>();
    Map<String, List<KeyedMeta>> leaves = new LinkedHashMap<>();
    for (Entry left : result.leaves()) {
      view.remove(left.topic(), left.key(), left.meta());
      leaves
          .computeIfAbsent(left.topic(), t -> new ArrayList<>())
          .add(new KeyedMeta(left.key(), left.meta()));
    }
    for (Entry joined : result.joins()) {
      view.add(joined.topic(), joined.key(), joined.meta());
      joins
          .computeIfAbsent(joined.topic(), t -> new ArrayList<>())
          .add(new KeyedMeta(joined.key(), joined.meta()));
    }
    Map<String, Boolean> topics = new LinkedHashMap<>();
    joins.keySet().forEach(t -> topics.put(t, true));
    leaves.keySet().forEach(t -> topics.put(t, true));
    for (String changed : topics.keySet()) {
      try {
        listener.handleDiff(
            changed,
            joins.getOrDefault(changed, List.of()),
            leaves.getOrDefault(changed, List.of()));
      } catch (RuntimeException e) {
        log.warn("tracker {} listener failed on {}: {}", config.name(), changed, e.toString());
      }
    }
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
    try {
      actor
          .submit(
              () -> {
                try {
                  pubSub.broadcastFrom(
                      subscriber, topic, new TrackerMessage.GracefulPermdown(replica));
                } catch (RuntimeException e) {
                  log.warn("tracker {} could not announce its shutdown: {}", config.name(), e);
                }
              })
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("tracker {} shutdown announcement did not finish: {}", config.name(), e.toString());
    }
    pubSub.unsubscribe(topic, subscriber);
    actor.shutdownNow();
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
  <T> T inspect(java.util.function.Function<TrackerState, T> read) {
    try {
      return actor.submit(() -> read.apply(state)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("tracker did not answer", e);
    }
  }
}
