package dev.rollcall.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One key's presence as the server sends it: {@code {"metas": [...], ...}}. Each meta is a JSON
 * object with at least {@code phx_ref}; {@code fields} holds any other keys of the presence (what a
 * server's {@code fetch/2} added). Immutable.
 */
public record PresenceEntry(List<Map<String, Object>> metas, Map<String, Object> fields) {

  public PresenceEntry {
    metas = Collections.unmodifiableList(new ArrayList<>(metas));
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public PresenceEntry(List<Map<String, Object>> metas) {
    this(metas, Map.of());
  }

  /** The entry a JSON presence decodes to; throws IllegalArgumentException when it is not one. */
  public static PresenceEntry fromJson(Object json) {
    if (!(json instanceof Map<?, ?> map) || !(map.get("metas") instanceof List<?> list)) {
      throw new IllegalArgumentException("a presence is an object with a metas list: " + json);
    }
    var metas = new ArrayList<Map<String, Object>>(list.size());
    for (Object meta : list) {
      metas.add(jsonObject(meta, "meta"));
    }
    var fields = new LinkedHashMap<String, Object>();
    map.forEach(
        (key, value) -> {
          if (!"metas".equals(key)) {
            fields.put(String.valueOf(key), value);
          }
        });
    return new PresenceEntry(metas, fields);
  }

  /** A presences object (key → presence), as in {@code presence_state} or a diff's joins. */
  public static Map<String, PresenceEntry> fromJsonState(Object json) {
    var state = new LinkedHashMap<String, PresenceEntry>();
    jsonObject(json, "presences").forEach((key, value) -> state.put(key, fromJson(value)));
    return state;
  }

  /** The {@code phx_ref} of each meta, in order. */
  public List<Object> refs() {
    return metas.stream().map(meta -> meta.get("phx_ref")).toList();
  }

  PresenceEntry withMetas(List<Map<String, Object>> newMetas) {
    return new PresenceEntry(newMetas, fields);
  }

  private static Map<String, Object> jsonObject(Object json, String what) {
    if (!(json instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("a " + what + " is a JSON object: " + json);
    }
    var copy = new LinkedHashMap<String, Object>();
    map.forEach((key, value) -> copy.put(String.valueOf(key), value));
    return Collections.unmodifiableMap(copy);
  }
}
