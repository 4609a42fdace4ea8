package dev.rollcall.presence.tracker;

import dev.rollcall.protocol.EncodedJson;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * One topic's list, {@code {key: {"metas": [...]}}}, taken once and shared by every joiner of a
 * window: immutable, and encoded to JSON once, when it is taken, so each joiner's {@code
 * presence_state} copies bytes instead of walking the whole topic. Thread-safe (immutable).
 */
final class ListedTopic extends AbstractMap<String, Map<String, Object>> implements EncodedJson {
  private final Map<String, Map<String, Object>> presences;
  private final byte[] json;

  /** {@code presences} must not change afterwards (a fresh copy of the view, or the fetch's). */
  ListedTopic(Map<String, Map<String, Object>> presences) {
    this.presences = Collections.unmodifiableMap(presences);
    this.json = EncodedJson.encode(this.presences);
  }

  @Override
  public byte[] json() {
    return json;
  }

  @Override
  public int size() {
    return presences.size();
  }

  @Override
  public boolean containsKey(Object key) {
    return presences.containsKey(key);
  }

  @Override
  public Map<String, Object> get(Object key) {
    return presences.get(key);
  }

  @Override
  public Set<Map.Entry<String, Map<String, Object>>> entrySet() {
    return presences.entrySet();
  }
}
