package dev.rollcall.presence.tracker;

import dev.rollcall.presence.Presence.Result;
import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.presence.crdt.TrackerState;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's own presences: what each local owner tracks, checked and recorded at once in a
 * registry and the read view, then queued for the actor to apply to the state (whose change the
 * next early delta carries). Threading: runs on the callers' threads, one owner at a time; never
 * waits for the actor.
 */
final class LocalChanges {
  private static final int MAX_KEY_BYTES = 256;

  private record TopicKey(String topic, String key) {}

  private final TrackerState state;
  private final PresenceView view;
  private final TrackerListener listener;
  private final Actor actor;
  private final Heartbeat heartbeat;
  private final PhxRefs refs = new PhxRefs();

  /** What each local owner tracks; changed on callers' threads, one owner at a time. */
  private final ConcurrentHashMap<String, Map<TopicKey, Map<String, Object>>> registry =
      new ConcurrentHashMap<>();

  /** {@code state} is only touched by the tasks queued on {@code actor}. */
  LocalChanges(
      TrackerState state,
      PresenceView view,
      TrackerListener listener,
      Actor actor,
      Heartbeat heartbeat) {
    this.state = state;
    this.view = view;
    this.listener = listener;
    this.actor = actor;
    this.heartbeat = heartbeat;
  }

  /** Tracks {@code owner} on {@code topic} under {@code key}; the result carries the phx_ref. */
  Result track(String owner, String topic, String key, Map<String, Object> meta) {
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
  Result untrack(String owner, String topic, String key) {
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
  Result update(String owner, String topic, String key, Map<String, Object> meta) {
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
  void untrackAll(String owner) {
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
    return actor.execute(
        () -> {
          change.run();
          heartbeat.changed();
        });
  }
}
