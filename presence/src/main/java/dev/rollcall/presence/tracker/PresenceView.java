package dev.rollcall.presence.tracker;

import dev.rollcall.presence.PresenceCount;
import dev.rollcall.presence.PresenceGroups;
import dev.rollcall.presence.crdt.PresenceMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The listed presences of a node by topic and key, read without waiting on the tracker's thread
 * (phoenix #2238). Thread-safe: changes to one topic are serialised by {@link
 * ConcurrentHashMap#compute}; a key's metas are an immutable list replaced as a whole, so a reader
 * never sees an update half done (phoenix_pubsub #172). Each topic keeps its keys sorted (for pages
 * with a key cursor) and its counts as they change (so a count never walks the topic).
 */
final class PresenceView {
  private final PresenceGroups groups;
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

  /** One topic: its keys, sorted, and their counts, replaced as a whole on every change. */
  private static final class Topic {
    final ConcurrentSkipListMap<String, ListedPresence> keys = new ConcurrentSkipListMap<>();
    volatile Tally tally;

    Topic(int groups) {
      tally = new Tally(0, new int[groups]);
    }
  }

  /** A topic's key count and keys per group index; immutable once published. */
  private record Tally(int count, int[] byGroup) {
    Tally moved(ListedPresence before, ListedPresence after) {
      int from = before == null ? -1 : before.group();
      int to = after == null ? -1 : after.group();
      int delta = (after == null ? 0 : 1) - (before == null ? 0 : 1);
      if (delta == 0 && from == to) {
        return this;
      }
      int[] next = Arrays.copyOf(byGroup, byGroup.length);
      if (from >= 0) {
        next[from]--;
      }
      if (to >= 0) {
        next[to]++;
      }
      return new Tally(count + delta, next);
    }
  }

  PresenceView() {
    this(PresenceGroups.none());
  }

  PresenceView(PresenceGroups groups) {
    this.groups = groups;
  }

  PresenceGroups groups() {
    return groups;
  }

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
        (t, view) -> {
          if (view == null) {
            if (added == null) {
              return null;
            }
            view = new Topic(groups.precedence().size());
          }
          ListedPresence before = view.keys.get(key);
          ListedPresence after = change(before, old, added);
          if (after == null) {
            if (before != null) {
              view.keys.remove(key);
            }
          } else {
            view.keys.put(key, after);
          }
          view.tally = view.tally.moved(before, after);
          return view.keys.isEmpty() ? null : view;
        });
  }

  private ListedPresence change(
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
        next.size() == 1 ? List.of(next.get(0)) : Collections.unmodifiableList(next), group(next));
  }

  /** The first group in precedence any meta holds, else the last (see {@link PresenceGroups}). */
  private int group(List<Map<String, Object>> metas) {
    List<String> precedence = groups.precedence();
    if (precedence.isEmpty()) {
      return ListedPresence.NO_GROUP;
    }
    int best = precedence.size() - 1;
    for (Map<String, Object> meta : metas) {
      int index = meta.get(groups.field()) instanceof String value ? precedence.indexOf(value) : -1;
      if (index >= 0 && index < best) {
        best = index;
      }
    }
    return best;
  }

  private static boolean same(Map<String, Object> a, Map<String, Object> b) {
    if (a == b) {
      return true;
    }
    Object ref = a.get(PresenceMeta.PHX_REF);
    return ref != null && ref.equals(b.get(PresenceMeta.PHX_REF));
  }

  /** {@code key -> metas} on {@code topic}, a copy, keys ascending. */
  Map<String, List<Map<String, Object>>> list(String topic) {
    Topic view = topics.get(topic);
    if (view == null) {
      return Map.of();
    }
    // Sized from the tally: a skip list's size() walks every key.
    Map<String, List<Map<String, Object>>> copy = new LinkedHashMap<>(capacity(view.tally.count()));
    view.keys.forEach((key, listed) -> copy.put(key, listed.metas()));
    return copy;
  }

  /**
   * {@code key -> {"metas": [...]}} on {@code topic}: a mutable copy, keys ascending, whose values
   * are immutable and carry their JSON (see {@link ListedPresence}).
   */
  Map<String, Map<String, Object>> presences(String topic) {
    Topic view = topics.get(topic);
    if (view == null) {
      return new LinkedHashMap<>();
    }
    // Not new LinkedHashMap<>(keys): that asks a skip list for its size(), which walks every key.
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>(capacity(view.tally.count()));
    view.keys.forEach(copy::put);
    return copy;
  }

  /** The topic's counts, consistent with each other (one published tally). */
  PresenceCount count(String topic) {
    Topic view = topics.get(topic);
    List<String> precedence = groups.precedence();
    if (view == null) {
      return PresenceCount.empty(groups);
    }
    Tally tally = view.tally;
    Map<String, Integer> byGroup = new LinkedHashMap<>(capacity(precedence.size()));
    for (int i = 0; i < precedence.size(); i++) {
      byGroup.put(precedence.get(i), tally.byGroup()[i]);
    }
    return new PresenceCount(tally.count(), byGroup);
  }

  /**
   * Up to {@code limit} keys after {@code after} (exclusive; null for the first), starting with
   * {@code prefix}, in group {@code group} (an index, or {@link ListedPresence#NO_GROUP} for all),
   * ascending; {@code more} tells whether a matching key follows them.
   */
  Slice slice(String topic, String after, int limit, int group, String prefix) {
    Topic view = topics.get(topic);
    if (view == null) {
      return new Slice(new LinkedHashMap<>(), false);
    }
    NavigableMap<String, ListedPresence> rest;
    if (!prefix.isEmpty() && (after == null || after.compareTo(prefix) < 0)) {
      rest = view.keys.tailMap(prefix, true);
    } else {
      rest = after == null ? view.keys : view.keys.tailMap(after, false);
    }
    Map<String, Map<String, Object>> page = new LinkedHashMap<>(capacity(Math.min(limit, 1024)));
    for (Map.Entry<String, ListedPresence> entry : rest.entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        break;
      }
      if (group != ListedPresence.NO_GROUP && entry.getValue().group() != group) {
        continue;
      }
      if (page.size() == limit) {
        return new Slice(page, true);
      }
      page.put(entry.getKey(), entry.getValue());
    }
    return new Slice(page, false);
  }

  /** Keys ascending, each {@code {"metas": [...]}}, and whether more match after them. */
  record Slice(Map<String, Map<String, Object>> presences, boolean more) {}

  /** The metas of {@code key} on {@code topic}, or an empty list. */
  List<Map<String, Object>> get(String topic, String key) {
    ListedPresence listed = presence(topic, key);
    return listed == null ? List.of() : listed.metas();
  }

  /** {@code {"metas": [...]}} of {@code key} on {@code topic}, or null. */
  ListedPresence presence(String topic, String key) {
    Topic view = topics.get(topic);
    return view == null ? null : view.keys.get(key);
  }

  /** Topic → number of keys on it, for every topic with anyone on it (a copy). */
  Map<String, Integer> topics() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    topics.forEach((topic, view) -> sizes.put(topic, view.tally.count()));
    return sizes;
  }

  private static int capacity(int size) {
    return (int) (size / 0.75f) + 1;
  }
}
