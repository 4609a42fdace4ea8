package dev.rollcall.bench;

import java.util.Map;

/**
 * One client's view of who is in the lobby, as phoenix.js Presence would see it: a set of presences
 * (key + phx_ref), applied from presence_state and presence_diff. Stored as 64-bit hashes in an
 * open-addressing table, so that N clients × N heroes fits in memory in a join storm (8-16 bytes
 * per entry instead of ~100 for strings in a HashSet). Confined to one event loop.
 */
final class Roster {
  private long[] slots = new long[16]; // 0 = empty
  private int size;
  private int frames;

  int size() {
    return size;
  }

  /** presence_state and presence_diff frames applied so far. */
  int frames() {
    return frames;
  }

  /** presence_state: {key: {metas: [meta...]}}; replaces nothing (the client starts empty). */
  void applyState(Object payload) {
    frames++;
    forEachPresence(payload, true);
  }

  /** presence_diff: {joins: {...}, leaves: {...}}. */
  void applyDiff(Object payload) {
    frames++;
    if (payload instanceof Map<?, ?> diff) {
      forEachPresence(diff.get("joins"), true);
      forEachPresence(diff.get("leaves"), false);
    }
  }

  private void forEachPresence(Object entries, boolean join) {
    if (!(entries instanceof Map<?, ?> byKey)) {
      return;
    }
    for (Map.Entry<?, ?> entry : byKey.entrySet()) {
      String key = String.valueOf(entry.getKey());
      if (entry.getValue() instanceof Map<?, ?> presence
          && presence.get("metas") instanceof Iterable<?> metas) {
        for (Object meta : metas) {
          Object ref = meta instanceof Map<?, ?> m ? m.get("phx_ref") : null;
          long id = hash(key, String.valueOf(ref));
          if (join) {
            add(id);
          } else {
            remove(id);
          }
        }
      }
    }
  }

  static long hash(String key, String ref) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ 0xFFFF) * 0x100000001b3L;
    for (int i = 0; i < ref.length(); i++) {
      h = (h ^ ref.charAt(i)) * 0x100000001b3L;
    }
    return h == 0 ? 1 : h;
  }

  void add(long id) {
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    int i = mix(id) & mask;
    while (slots[i] != 0) {
      if (slots[i] == id) {
        return;
      }
      i = (i + 1) & mask;
    }
    slots[i] = id;
    size++;
  }

  void remove(long id) {
    int mask = slots.length - 1;
    int i = mix(id) & mask;
    while (slots[i] != id) {
      if (slots[i] == 0) {
        return;
      }
      i = (i + 1) & mask;
    }
    slots[i] = 0;
    size--;
    // Backward-shift the run after the hole, so lookups never stop early.
    for (int j = (i + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
      long moved = slots[j];
      slots[j] = 0;
      size--;
      add(moved);
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    size = 0;
    for (long id : old) {
      if (id != 0) {
        add(id);
      }
    }
  }

  private static int mix(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
