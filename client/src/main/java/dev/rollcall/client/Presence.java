package dev.rollcall.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The presences of a channel kept in sync with the server, exactly as phoenix.js's {@code
 * Presence}: {@code presence_state} replaces the view (reporting what joined and left since), each
 * {@code presence_diff} applies on top, and diffs that arrive before the state of the current join
 * wait for it. Callbacks run on the socket's thread; {@link #list} and {@link #state} may be read
 * from any thread (they return an immutable snapshot).
 *
 * <p>The static {@link #syncState} and {@link #syncDiff} are the same algorithm for callers that
 * keep the state themselves; unlike phoenix.js they never modify their arguments.
 */
public final class Presence {

  /**
   * A key joined: {@code current} is its presence before (null if new), {@code joined} the diff's.
   */
  @FunctionalInterface
  public interface OnJoin {
    void joined(String key, PresenceEntry current, PresenceEntry joined);
  }

  /** Metas of a key left: {@code current} is what remains (no metas if the key is gone). */
  @FunctionalInterface
  public interface OnLeave {
    void left(String key, PresenceEntry current, PresenceEntry left);
  }

  /** A {@code presence_diff} payload: the presences that joined and left. */
  public record Diff(Map<String, PresenceEntry> joins, Map<String, PresenceEntry> leaves) {
    public Diff {
      joins = Collections.unmodifiableMap(new LinkedHashMap<>(joins));
      leaves = Collections.unmodifiableMap(new LinkedHashMap<>(leaves));
    }

    /** Throws IllegalArgumentException when {@code json} is not a diff. */
    public static Diff fromJson(Object json) {
      if (!(json instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("a presence diff is a JSON object: " + json);
      }
      return new Diff(
          PresenceEntry.fromJsonState(map.get("joins")),
          PresenceEntry.fromJsonState(map.get("leaves")));
    }
  }

  private static final OnJoin NO_JOIN = (key, current, joined) -> {};
  private static final OnLeave NO_LEAVE = (key, current, left) -> {};

  private final Channel channel;
  private volatile Map<String, PresenceEntry> state = Map.of();
  private final List<Diff> pendingDiffs = new ArrayList<>();
  private String joinRef;
  private volatile OnJoin onJoin = NO_JOIN;
  private volatile OnLeave onLeave = NO_LEAVE;
  private volatile Runnable onSync = () -> {};

  /** Follows {@code presence_state} and {@code presence_diff} on {@code channel}. */
  public Presence(Channel channel) {
    this(channel, "presence_state", "presence_diff");
  }

  /** Follows the given state and diff events on {@code channel}. */
  public Presence(Channel channel, String stateEvent, String diffEvent) {
    this.channel = channel;
    channel.on(
        stateEvent,
        payload -> {
          joinRef = channel.joinRef();
          Map<String, PresenceEntry> next =
              syncState(state, PresenceEntry.fromJsonState(payload), onJoin, onLeave);
          for (Diff diff : pendingDiffs) {
            next = syncDiff(next, diff, onJoin, onLeave);
          }
          pendingDiffs.clear();
          state = next;
          onSync.run();
        });
    channel.on(
        diffEvent,
        payload -> {
          Diff diff = Diff.fromJson(payload);
          if (inPendingSyncState()) {
            pendingDiffs.add(diff);
          } else {
            state = syncDiff(state, diff, onJoin, onLeave);
            onSync.run();
          }
        });
  }

  public void onJoin(OnJoin callback) {
    this.onJoin = callback;
  }

  public void onLeave(OnLeave callback) {
    this.onLeave = callback;
  }

  /** Called after each state or diff was applied. */
  public void onSync(Runnable callback) {
    this.onSync = callback;
  }

  /** The current view, key → presence, in the order keys first appeared. */
  public Map<String, PresenceEntry> state() {
    return state;
  }

  /** Every presence as {@code chooser} maps it, in the order of {@link #state()}. */
  public <T> List<T> list(BiFunction<String, PresenceEntry, T> chooser) {
    return list(state, chooser);
  }

  /** Every presence. */
  public List<PresenceEntry> list() {
    return list(state, (key, presence) -> presence);
  }

  /** Whether diffs wait for a state: none arrived yet for the channel's current join. */
  boolean inPendingSyncState() {
    return joinRef == null || !joinRef.equals(channel.joinRef());
  }

  // --- the algorithm, as phoenix.js's static API

  /** The view after a full state: what is in {@code newState} and not in {@code current} joins. */
  public static Map<String, PresenceEntry> syncState(
      Map<String, PresenceEntry> current,
      Map<String, PresenceEntry> newState,
      OnJoin onJoin,
      OnLeave onLeave) {
    var joins = new LinkedHashMap<String, PresenceEntry>();
    var leaves = new LinkedHashMap<String, PresenceEntry>();
    current.forEach(
        (key, presence) -> {
          if (!newState.containsKey(key)) {
            leaves.put(key, presence);
          }
        });
    newState.forEach(
        (key, newPresence) -> {
          PresenceEntry currentPresence = current.get(key);
          if (currentPresence == null) {
            joins.put(key, newPresence);
            return;
          }
          Set<Object> newRefs = new HashSet<>(newPresence.refs());
          Set<Object> curRefs = new HashSet<>(currentPresence.refs());
          List<Map<String, Object>> joinedMetas =
              newPresence.metas().stream()
                  .filter(m -> !curRefs.contains(m.get("phx_ref")))
                  .toList();
          List<Map<String, Object>> leftMetas =
              currentPresence.metas().stream()
                  .filter(m -> !newRefs.contains(m.get("phx_ref")))
                  .toList();
          if (!joinedMetas.isEmpty()) {
            joins.put(key, newPresence.withMetas(joinedMetas));
          }
          if (!leftMetas.isEmpty()) {
            leaves.put(key, currentPresence.withMetas(leftMetas));
          }
        });
    return syncDiff(current, new Diff(joins, leaves), onJoin, onLeave);
  }

  /**
   * The view after a diff: joined metas are added after the metas a key already had (replacing
   * those with the same {@code phx_ref}); left metas are removed, and a key with none left is gone.
   */
  public static Map<String, PresenceEntry> syncDiff(
      Map<String, PresenceEntry> state, Diff diff, OnJoin onJoin, OnLeave onLeave) {
    OnJoin joined = onJoin == null ? NO_JOIN : onJoin;
    OnLeave left = onLeave == null ? NO_LEAVE : onLeave;
    var next = new LinkedHashMap<>(state);
    diff.joins()
        .forEach(
            (key, newPresence) -> {
              PresenceEntry currentPresence = next.get(key);
              PresenceEntry merged = newPresence;
              if (currentPresence != null) {
                Set<Object> joinedRefs = new HashSet<>(newPresence.refs());
                var metas = new ArrayList<Map<String, Object>>();
                for (Map<String, Object> meta : currentPresence.metas()) {
                  if (!joinedRefs.contains(meta.get("phx_ref"))) {
                    metas.add(meta);
                  }
                }
                metas.addAll(newPresence.metas());
                merged = newPresence.withMetas(metas);
              }
              next.put(key, merged);
              joined.joined(key, currentPresence, newPresence);
            });
    diff.leaves()
        .forEach(
            (key, leftPresence) -> {
              PresenceEntry currentPresence = next.get(key);
              if (currentPresence == null) {
                return;
              }
              Set<Object> refsToRemove = new HashSet<>(leftPresence.refs());
              PresenceEntry remaining =
                  currentPresence.withMetas(
                      currentPresence.metas().stream()
                          .filter(m -> !refsToRemove.contains(m.get("phx_ref")))
                          .toList());
              next.put(key, remaining);
              left.left(key, remaining, leftPresence);
              if (remaining.metas().isEmpty()) {
                next.remove(key);
              }
            });
    return Collections.unmodifiableMap(next);
  }

  /** Every presence of {@code presences} as {@code chooser} maps it. */
  public static <T> List<T> list(
      Map<String, PresenceEntry> presences, BiFunction<String, PresenceEntry, T> chooser) {
    var result = new ArrayList<T>(presences.size());
    presences.forEach((key, presence) -> result.add(chooser.apply(key, presence)));
    return result;
  }
}
