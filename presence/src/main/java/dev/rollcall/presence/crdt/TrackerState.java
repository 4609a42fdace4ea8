package dev.rollcall.presence.crdt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The presence CRDT of one replica, after Phoenix.Tracker.State: an observed-remove set of {@link
 * Entry entries} tagged with dots {@code (replica, clock)}, and a causal context (per replica a
 * contiguous clock plus a {@link DotCloud cloud} of dots seen out of order). Pure: no I/O, no clock
 * reads, no threads.
 *
 * <p>Threading: mutable and not thread-safe; one thread owns it at a time (the tracker's actor
 * thread). Everything it hands out ({@link Delta}, {@link Snapshot}, {@link Entry}, lists) is
 * immutable, so it may be sent to other threads and nodes.
 *
 * <p>Rules that make merge commutative, associative and idempotent:
 *
 * <ul>
 *   <li>A value from a remote is added only if its dot is not in the local context (a dot seen
 *       before and now absent was removed, and a remove is never undone).
 *   <li>A local value is removed when the remote has seen its dot and does not hold it.
 *   <li>Only the owner of a dot ever adds or removes it, so a replica ignores what others say about
 *       its own dots (it always knows better).
 *   <li>Only replicas this state knows ({@link #replicaUp}) are merged: entries of a replica
 *       removed for good ({@link #removeDown}) do not come back from stale peers (phoenix_pubsub
 *       #55/#80).
 * </ul>
 */
public final class TrackerState {

  /** What this state has seen of one replica, and that replica's entries it holds. */
  private static final class Known {
    ReplicaStatus status = ReplicaStatus.UP;
    long contiguous;
    DotCloud cloud;
    final HashMap<Long, Entry> values;

    Known(int expected) {
      values = HashMap.newHashMap(expected);
    }

    boolean contains(long dot) {
      return dot <= contiguous || (cloud != null && cloud.contains(dot));
    }

    void addDots(long from, long to) {
      if (to <= contiguous) {
        return;
      }
      if (from <= contiguous + 1) {
        contiguous = to;
      } else {
        if (cloud == null) {
          cloud = new DotCloud();
        }
        cloud.add(from, to);
      }
    }

    void compact() {
      if (cloud != null) {
        contiguous = cloud.compact(contiguous);
        if (cloud.isEmpty()) {
          cloud = null;
        }
      }
    }

    Dots dots() {
      List<Dots.Range> ranges = new ArrayList<>();
      if (cloud != null) {
        for (long[] range : cloud.ranges()) {
          ranges.add(new Dots.Range(range[0], range[1]));
        }
      }
      return new Dots(contiguous, ranges);
    }

    /** The dots of this replica seen in {@code [lo, hi]}, or null if none. */
    Dots between(long lo, long hi) {
      if (lo > hi) {
        return null;
      }
      long contiguousPart = 0;
      List<Dots.Range> ranges = new ArrayList<>();
      long upper = Math.min(hi, contiguous);
      if (lo <= upper) {
        if (lo == 1) {
          contiguousPart = upper;
        } else {
          ranges.add(new Dots.Range(lo, upper));
        }
      }
      if (cloud != null) {
        for (long[] range : cloud.ranges()) {
          long from = Math.max(range[0], lo);
          long to = Math.min(range[1], hi);
          if (from <= to) {
            ranges.add(new Dots.Range(from, to));
          }
        }
      }
      return contiguousPart == 0 && ranges.isEmpty() ? null : new Dots(contiguousPart, ranges);
    }

    /** The highest dot seen. */
    long top() {
      List<long[]> ranges = cloud == null ? List.of() : cloud.ranges();
      return ranges.isEmpty() ? contiguous : Math.max(contiguous, ranges.getLast()[1]);
    }

    Known copy() {
      Known copy = new Known(values.size());
      copy.status = status;
      copy.contiguous = contiguous;
      copy.cloud = cloud == null ? null : cloud.copy();
      copy.values.putAll(values);
      return copy;
    }
  }

  private final Replica self;
  private final Known own;
  private final Map<Replica, Known> replicas = new HashMap<>();

  /**
   * This replica's entries by owner, for leave and leaveAll: immutable lists, replaced on change,
   * since an owner (a channel) nearly always tracks one entry (24 bytes, against 48 for a list).
   */
  private final Map<String, List<Entry>> byOwner = new HashMap<>();

  /** The own delta since the last {@link #resetDelta}: dots {@code deltaStart+1..clock}. */
  private long deltaStart;

  private final LinkedHashMap<Long, Entry> deltaValues = new LinkedHashMap<>();

  /** Own dots at or below {@code deltaStart} removed since the last reset. */
  private final List<Long> deltaRemoved = new ArrayList<>();

  public TrackerState(Replica self) {
    this.self = Objects.requireNonNull(self, "self");
    this.own = new Known(16);
    replicas.put(self, own);
  }

  public Replica replica() {
    return self;
  }

  /** This replica's own clock: the number of joins and leaves it made. */
  public long clock() {
    return own.contiguous;
  }

  // ---- local operations ---------------------------------------------------------------------

  /**
   * Adds {@code owner} on {@code topic} under {@code key}; {@code meta} is stored as given (stamp
   * it with {@link PresenceMeta#stamp} first). Returns the new entry, or null if that owner already
   * tracks that key on that topic (nothing changes).
   */
  public Entry join(String topic, String key, String owner, Map<String, Object> meta) {
    if (find(topic, owner, key) != null) {
      return null;
    }
    Entry entry = new Entry(topic, key, owner, meta, self, ++own.contiguous);
    own.values.put(entry.clock(), entry);
    deltaValues.put(entry.clock(), entry);
    byOwner.merge(owner, List.of(entry), TrackerState::concat);
    return entry;
  }

  /** Removes what {@code owner} tracks under {@code key} on {@code topic}; null if nothing. */
  public Entry leave(String topic, String owner, String key) {
    Entry entry = find(topic, owner, key);
    if (entry != null) {
      remove(entry);
    }
    return entry;
  }

  /** Removes every entry of {@code owner} (its process ended) and returns them. */
  public List<Entry> leaveAll(String owner) {
    List<Entry> entries = byOwner.get(owner);
    if (entries == null) {
      return List.of();
    }
    List<Entry> left = List.copyOf(entries);
    left.forEach(this::remove);
    return left;
  }

  /** A leave and a join made as one change: what an update did. */
  public record Update(Entry left, Entry joined) {}

  /**
   * Replaces the meta of what {@code owner} tracks under {@code key} on {@code topic} (a leave and
   * a join); the new meta carries the old {@code phx_ref} as {@code phx_ref_prev}. Returns null if
   * nothing is tracked there (nothing changes).
   *
   * @throws IllegalArgumentException if {@code meta} has no {@code phx_ref}
   */
  public Update update(String topic, String owner, String key, Map<String, Object> meta) {
    Entry old = find(topic, owner, key);
    if (old == null) {
      return null;
    }
    if (!(meta.get(PresenceMeta.PHX_REF) instanceof String ref)) {
      throw new IllegalArgumentException("an updated meta needs its new phx_ref");
    }
    String prev = old.phxRef();
    Map<String, Object> stamped = meta;
    if (prev != null && !prev.equals(meta.get(PresenceMeta.PHX_REF_PREV))) {
      stamped = PresenceMeta.stamp(meta, ref, prev);
    }
    remove(old);
    return new Update(old, join(topic, key, owner, stamped));
  }

  /** The entry {@code owner} tracks under {@code key} on {@code topic}, or null. */
  public Entry find(String topic, String owner, String key) {
    List<Entry> entries = byOwner.get(owner);
    if (entries != null) {
      for (Entry entry : entries) {
        if (entry.topic().equals(topic) && entry.key().equals(key)) {
          return entry;
        }
      }
    }
    return null;
  }

  private void remove(Entry entry) {
    own.values.remove(entry.clock());
    byOwner.computeIfPresent(entry.owner(), (owner, entries) -> without(entries, entry));
    if (entry.clock() > deltaStart) {
      deltaValues.remove(entry.clock());
    } else {
      deltaRemoved.add(entry.clock());
    }
    // The leave takes a dot of its own so that a receiver who misses it sees a gap.
    own.contiguous++;
  }

  private static List<Entry> concat(List<Entry> entries, List<Entry> more) {
    List<Entry> all = new ArrayList<>(entries.size() + more.size());
    all.addAll(entries);
    all.addAll(more);
    return List.copyOf(all);
  }

  /** {@code entries} without {@code entry}, or null once empty (the map drops the owner). */
  private static List<Entry> without(List<Entry> entries, Entry entry) {
    List<Entry> rest = new ArrayList<>(entries);
    rest.remove(entry);
    return rest.isEmpty() ? null : List.copyOf(rest);
  }

  // ---- deltas and extracts -----------------------------------------------------------------

  public boolean hasDelta() {
    return own.contiguous > deltaStart;
  }

  /** The own changes since the last {@link #resetDelta}. */
  public Delta delta() {
    return new Delta(
        self, deltaStart, own.contiguous, List.copyOf(deltaValues.values()), deltaRemoved);
  }

  /** Starts a new delta (after it was broadcast). */
  public void resetDelta() {
    deltaStart = own.contiguous;
    deltaValues.clear();
    deltaRemoved.clear();
  }

  /**
   * The whole state for {@code peer}: every replica in {@code peerKnows} (all if null) except the
   * peer itself, which knows its own entries better (phoenix_pubsub #80: only what the peer can
   * place in its context).
   */
  public Snapshot extract(Replica peer, Collection<Replica> peerKnows) {
    Set<Replica> filter = peerKnows == null ? null : new HashSet<>(peerKnows);
    Map<Replica, Dots> context = new HashMap<>();
    List<Entry> values = new ArrayList<>();
    replicas.forEach(
        (replica, known) -> {
          if (replica.equals(peer) || (filter != null && !filter.contains(replica))) {
            return;
          }
          context.put(replica, known.dots());
          values.addAll(known.values.values());
        });
    return new Snapshot(self, context, values);
  }

  /**
   * {@link #extract(Replica, Collection)} in pieces of at most {@code maxValues} entries, so a
   * large transfer never becomes one huge PubSub message (Redis disconnects a subscriber whose
   * output buffer passes 32 MB). Each piece speaks only for the dots it covers, so it is a valid
   * state on its own: merging all pieces, in any order, equals merging the whole extract, and a
   * lost piece leaves a gap that asks for another transfer.
   */
  public List<Snapshot> extractChunks(Replica peer, Collection<Replica> peerKnows, int maxValues) {
    if (maxValues < 1) {
      throw new IllegalArgumentException("maxValues must be positive: " + maxValues);
    }
    Set<Replica> filter = peerKnows == null ? null : new HashSet<>(peerKnows);
    List<Snapshot> chunks = new ArrayList<>();
    Map<Replica, Dots> context = new HashMap<>();
    List<Entry> values = new ArrayList<>();
    for (Map.Entry<Replica, Known> replica : replicas.entrySet()) {
      Known known = replica.getValue();
      if (replica.getKey().equals(peer) || (filter != null && !filter.contains(replica.getKey()))) {
        continue;
      }
      List<Entry> sorted = new ArrayList<>(known.values.values());
      sorted.sort(java.util.Comparator.comparingLong(Entry::clock));
      long lo = 1;
      int next = 0;
      do {
        if (values.size() >= maxValues) {
          chunks.add(new Snapshot(self, context, values));
          context = new HashMap<>();
          values = new ArrayList<>();
        }
        int take = Math.min(maxValues - values.size(), sorted.size() - next);
        boolean last = next + take == sorted.size();
        long hi = last ? known.top() : sorted.get(next + take - 1).clock();
        Dots dots = known.between(lo, hi);
        if (dots != null) {
          context.put(replica.getKey(), dots);
        }
        values.addAll(sorted.subList(next, next + take));
        next += take;
        lo = hi + 1;
      } while (next < sorted.size());
    }
    if (!values.isEmpty() || !context.isEmpty() || chunks.isEmpty()) {
      chunks.add(new Snapshot(self, context, values));
    }
    return chunks;
  }

  /** The whole state (for tests and for peers that know everything this replica knows). */
  public Snapshot extract() {
    return extract(null, null);
  }

  // ---- merge ---------------------------------------------------------------------------------

  /** Merges a peer's delta (After Phoenix.Tracker.State.merge/2, delta mode). */
  public MergeResult merge(Delta delta) {
    List<Entry> joins = new ArrayList<>();
    List<Entry> leaves = new ArrayList<>();
    Known known = replicas.get(delta.from());
    if (known == null || delta.from().equals(self)) {
      return new MergeResult(this, joins, leaves);
    }
    boolean listed = known.status == ReplicaStatus.UP;
    Set<Long> alive = HashSet.newHashSet(delta.values().size());
    for (Entry value : delta.values()) {
      alive.add(value.clock());
    }
    // Observed removes: dots the delta has seen but does not hold.
    long span = delta.end() - delta.start();
    if (span <= known.values.size()) {
      for (long dot = delta.start() + 1; dot <= delta.end(); dot++) {
        if (!alive.contains(dot)) {
          removeRemote(known, dot, listed, leaves);
        }
      }
    } else {
      Iterator<Long> dots = known.values.keySet().iterator();
      while (dots.hasNext()) {
        long dot = dots.next();
        if (dot > delta.start() && dot <= delta.end() && !alive.contains(dot)) {
          Entry left = known.values.get(dot);
          dots.remove();
          if (listed) {
            leaves.add(left);
          }
        }
      }
    }
    for (long dot : delta.removed()) {
      removeRemote(known, dot, listed, leaves);
    }
    for (Entry value : delta.values()) {
      if (!known.contains(value.clock())) {
        known.values.put(value.clock(), value);
        if (listed) {
          joins.add(value);
        }
      }
    }
    known.addDots(delta.start() + 1, delta.end());
    for (long dot : delta.removed()) {
      known.addDots(dot, dot);
    }
    known.compact();
    return new MergeResult(this, joins, leaves);
  }

  private static void removeRemote(Known known, long dot, boolean listed, List<Entry> leaves) {
    Entry left = known.values.remove(dot);
    if (left != null && listed) {
      leaves.add(left);
    }
  }

  /** Merges a peer's whole state (After Phoenix.Tracker.State.merge/2, full mode). */
  public MergeResult merge(Snapshot snapshot) {
    List<Entry> joins = new ArrayList<>();
    List<Entry> leaves = new ArrayList<>();
    Map<Replica, Map<Long, Entry>> remoteValues = new HashMap<>();
    for (Entry value : snapshot.values()) {
      remoteValues.computeIfAbsent(value.replica(), r -> new HashMap<>()).put(value.clock(), value);
    }
    snapshot
        .context()
        .forEach(
            (replica, dots) -> {
              Known known = replicas.get(replica);
              if (known == null || replica.equals(self)) {
                return;
              }
              boolean listed = known.status == ReplicaStatus.UP;
              Map<Long, Entry> remote = remoteValues.getOrDefault(replica, Map.of());
              Iterator<Map.Entry<Long, Entry>> locals = known.values.entrySet().iterator();
              while (locals.hasNext()) {
                Map.Entry<Long, Entry> local = locals.next();
                if (dots.contains(local.getKey()) && !remote.containsKey(local.getKey())) {
                  locals.remove();
                  if (listed) {
                    leaves.add(local.getValue());
                  }
                }
              }
              for (Entry value : remote.values()) {
                if (!known.contains(value.clock())) {
                  known.values.put(value.clock(), value);
                  if (listed) {
                    joins.add(value);
                  }
                }
              }
              known.addDots(1, dots.contiguous());
              for (Dots.Range range : dots.cloud()) {
                known.addDots(range.from(), range.to());
              }
              known.compact();
            });
    return new MergeResult(this, joins, leaves);
  }

  // ---- replicas ------------------------------------------------------------------------------

  /**
   * Marks {@code replica} up, meeting it if new (its clock starts at 0); the entries it already had
   * here are listed again and reported as joins.
   */
  public MergeResult replicaUp(Replica replica) {
    if (replica.equals(self)) {
      return new MergeResult(this, List.of(), List.of());
    }
    Known known = replicas.get(replica);
    if (known == null) {
      replicas.put(replica, new Known(16));
      return new MergeResult(this, List.of(), List.of());
    }
    if (known.status == ReplicaStatus.UP) {
      return new MergeResult(this, List.of(), List.of());
    }
    known.status = ReplicaStatus.UP;
    return new MergeResult(this, List.copyOf(known.values.values()), List.of());
  }

  /** Marks {@code replica} down: its entries are kept but hidden, and reported as leaves. */
  public MergeResult replicaDown(Replica replica) {
    Known known = replicas.get(replica);
    if (known == null || replica.equals(self) || known.status == ReplicaStatus.DOWN) {
      return new MergeResult(this, List.of(), List.of());
    }
    known.status = ReplicaStatus.DOWN;
    return new MergeResult(this, List.of(), List.copyOf(known.values.values()));
  }

  /**
   * Forgets {@code replica} for good (permdown): its entries, clock and cloud are dropped, and what
   * peers still say about it is ignored until it is met again with {@link #replicaUp}. Its entries
   * are reported as leaves if it was still up.
   */
  public MergeResult removeDown(Replica replica) {
    if (replica.equals(self)) {
      return new MergeResult(this, List.of(), List.of());
    }
    Known known = replicas.remove(replica);
    if (known == null || known.status == ReplicaStatus.DOWN) {
      return new MergeResult(this, List.of(), List.of());
    }
    return new MergeResult(this, List.of(), List.copyOf(known.values.values()));
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** The replicas this state knows, with their status (this replica included, always up). */
  public Map<Replica, ReplicaStatus> replicas() {
    Map<Replica, ReplicaStatus> out = new TreeMap<>();
    replicas.forEach((replica, known) -> out.put(replica, known.status));
    return out;
  }

  public ReplicaStatus status(Replica replica) {
    Known known = replicas.get(replica);
    return known == null ? null : known.status;
  }

  /** What this state has seen of {@code replica}, or null if it does not know it. */
  public Dots dots(Replica replica) {
    Known known = replicas.get(replica);
    return known == null ? null : known.dots();
  }

  /**
   * Whether this state misses some of {@code replica}'s first {@code clock} dots, so it should ask
   * for a transfer (a lost delta, or a replica not met yet).
   */
  public boolean hasGap(Replica replica, long clock) {
    Known known = replicas.get(replica);
    return known == null || known.contiguous < clock;
  }

  /** Entries of replicas that are up, on {@code topic} (a scan: the tracker keeps a view). */
  public List<Entry> list(String topic) {
    List<Entry> out = new ArrayList<>();
    for (Known known : replicas.values()) {
      if (known.status == ReplicaStatus.UP) {
        for (Entry entry : known.values.values()) {
          if (entry.topic().equals(topic)) {
            out.add(entry);
          }
        }
      }
    }
    return out;
  }

  /** Entries of replicas that are up. */
  public List<Entry> online() {
    List<Entry> out = new ArrayList<>();
    for (Known known : replicas.values()) {
      if (known.status == ReplicaStatus.UP) {
        out.addAll(known.values.values());
      }
    }
    return out;
  }

  /** Every entry held of {@code replica}, listed or not. */
  public List<Entry> entries(Replica replica) {
    Known known = replicas.get(replica);
    return known == null ? List.of() : List.copyOf(known.values.values());
  }

  /** Every entry held, listed or not. */
  public int size() {
    int size = 0;
    for (Known known : replicas.values()) {
      size += known.values.size();
    }
    return size;
  }

  /** An independent copy (same immutable entries). */
  public TrackerState copy() {
    TrackerState copy = new TrackerState(self);
    copy.own.contiguous = own.contiguous;
    copy.own.values.putAll(own.values);
    replicas.forEach(
        (replica, known) -> {
          if (!replica.equals(self)) {
            copy.replicas.put(replica, known.copy());
          }
        });
    copy.byOwner.putAll(byOwner); // the lists are immutable
    copy.deltaStart = deltaStart;
    copy.deltaValues.putAll(deltaValues);
    copy.deltaRemoved.addAll(deltaRemoved);
    return copy;
  }
}
