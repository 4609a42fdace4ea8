package dev.rollcall.presence.tracker;

import dev.rollcall.protocol.EncodedJson;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One key's entry in a listed topic, {@code {"metas": [...]}}, as {@code presence_state} carries
 * it: immutable, replaced as a whole when the key's metas change, and encoded to JSON at most once
 * however many joiners list it (that encoding was most of a join's cost: every join lists the whole
 * topic). Thread-safe: the encoding is published through a volatile field; two threads may both
 * compute it, with the same result.
 */
final class ListedPresence extends AbstractMap<String, Object> implements EncodedJson {
  static final String METAS = "metas";

  /** Not in a group: the view has no groups. */
  static final int NO_GROUP = -1;

  private final List<Map<String, Object>> metas;
  private final int group;
  private volatile byte[] json;

  /** {@code metas} is immutable and not empty. */
  ListedPresence(List<Map<String, Object>> metas) {
    this(metas, NO_GROUP);
  }

  /** {@code group}: the index of the key's group in the view's groups, or {@link #NO_GROUP}. */
  ListedPresence(List<Map<String, Object>> metas, int group) {
    this.metas = metas;
    this.group = group;
  }

  List<Map<String, Object>> metas() {
    return metas;
  }

  int group() {
    return group;
  }

  @Override
  public byte[] json() {
    byte[] encoded = json;
    if (encoded == null) {
      encoded = EncodedJson.encode(Map.of(METAS, metas));
      json = encoded;
    }
    return encoded;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public boolean containsKey(Object key) {
    return METAS.equals(key);
  }

  @Override
  public Object get(Object key) {
    return METAS.equals(key) ? metas : null;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return Set.of(Map.entry(METAS, metas));
  }
}
