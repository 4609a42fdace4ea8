package dev.rollcall.presence.tracker;

import dev.rollcall.presence.crdt.PresenceMeta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The listed presences of a node by topic and key, read without waiting on the tracker's thread
 * (phoenix #2238). Thread-safe: changes to one topic are serialised by {@link
 * ConcurrentHashMap#compute}; a key's metas are an immutable list replaced as a whole, so a reader
 * never sees an update half done (phoenix_pubsub #172).
 */
final class PresenceView {
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ListedPresence>> topics =
      new ConcurrentHashMap<>();

  void add(String topic, String key, Map<String, Object> meta) {
    replace(topic, key, null, meta);
  }

  void remove(String topic, String key, Map<String, Object> meta) {
    replace(topic, key, meta, null);
  }

  /** Removes {@code old} (if not null) and adds {@code added} (if not null) as one change. */
  void replace(String topic, String key, Map<String, Object> old, Map<String, Object> added) {
    topics.compute(
        topic,
        (t, keys) -> {
          if (keys == null) {
            if (added == null) {
              return null;
            }
            keys = new ConcurrentHashMap<>();
          }
          keys.compute(key, (k, metas) -> change(metas, old, added));
          return keys.isEmpty() ? null : keys;
        });
  }

  private static ListedPresence change(
      ListedPresence listed, Map<String, Object> old, Map<String, Object> added) {
    List<Map<String, Object>> next =
        new ArrayList<>(listed == null ? 1 : listed.metas().size() + 1);
    if (listed != null) {
      for (Map<String, Object> meta : listed.metas()) {
        if (old == null || !same(meta, old)) {
          next.add(meta);
        }
      }
    }
    if (added != null) {
      next.add(added);
    }
    if (next.isEmpty()) {
      return null;
    }
    return new ListedPresence(
        next.size() == 1 ? List.of(next.get(0)) : Collections.unmodifiableList(next));
  }

  private static boolean same(Map<String, Object> a, Map<String, Object> b) {
    if (a == b) {
      return true;
    }
    Object ref = a.get(PresenceMeta.PHX_REF);
    return ref != null && ref.equals(b.get(PresenceMeta.PHX_REF));
  }

  /** {@code key -> metas} on {@code topic}, a copy in no particular key order. */
  Map<String, List<Map<String, Object>>> list(String topic) {
    Map<String, ListedPresence> keys = topics.get(topic);
    if (keys == null) {
      return Map.of();
    }
    Map<String, List<Map<String, Object>>> copy = new LinkedHashMap<>(capacity(keys.size()));
    keys.forEach((key, listed) -> copy.put(key, listed.metas()));
    return copy;
  }

  /**
   * {@code key -> {"metas": [...]}} on {@code topic}: a mutable copy in no particular key order,
   * whose values are immutable and carry their JSON (see {@link ListedPresence}).
   */
  Map<String, Map<String, Object>> presences(String topic) {
    Map<String, ListedPresence> keys = topics.get(topic);
    return keys == null ? new LinkedHashMap<>() : new LinkedHashMap<>(keys);
  }

  /** The metas of {@code key} on {@code topic}, or an empty list. */
  List<Map<String, Object>> get(String topic, String key) {
    ListedPresence listed = presence(topic, key);
    return listed == null ? List.of() : listed.metas();
  }

  /** {@code {"metas": [...]}} of {@code key} on {@code topic}, or null. */
  ListedPresence presence(String topic, String key) {
    Map<String, ListedPresence> keys = topics.get(topic);
    return keys == null ? null : keys.get(key);
  }

  /** Topic → number of keys on it, for every topic with anyone on it (a copy). */
  Map<String, Integer> topics() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    topics.forEach((topic, keys) -> sizes.put(topic, keys.size()));
    return sizes;
  }

  private static int capacity(int size) {
    return (int) (size / 0.75f) + 1;
  }
}
