package dev.rollcall.presence.crdt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metas a tracker stores: user fields checked to be JSON, copied so the caller cannot change
 * them later, and stamped with {@code phx_ref} / {@code phx_ref_prev}.
 */
public final class PresenceMeta {
  public static final String PHX_REF = "phx_ref";
  public static final String PHX_REF_PREV = "phx_ref_prev";

  private PresenceMeta() {}

  /**
   * An immutable copy of {@code meta} with {@code phx_ref} = {@code ref} and, when {@code prevRef}
   * is not null, {@code phx_ref_prev} = {@code prevRef}; a {@code phx_ref_prev} given by the caller
   * is dropped, as Phoenix overwrites it.
   *
   * @throws IllegalArgumentException when {@code meta} is not a JSON object
   */
  public static Map<String, Object> stamp(Map<?, ?> meta, String ref, String prevRef) {
    if (meta == null) {
      throw new IllegalArgumentException("meta must be a JSON object, not null");
    }
    Map<String, Object> copy = new LinkedHashMap<>(meta.size() + 2);
    // forEach, not entrySet(): a LinkedHashMap caches its entry set, and the caller's meta often
    // lives as long as the channel (one more object per tracked connection).
    meta.forEach(
        (key, value) -> {
          if (!(key instanceof String name)) {
            throw new IllegalArgumentException("meta keys must be strings: " + key);
          }
          if (!name.equals(PHX_REF) && !name.equals(PHX_REF_PREV)) {
            copy.put(name, json(value, 1));
          }
        });
    copy.put(PHX_REF, ref);
    if (prevRef != null) {
      copy.put(PHX_REF_PREV, prevRef);
    }
    return CompactMap.of(copy);
  }

  private static final int MAX_DEPTH = 32;

  /** Checks that {@code value} is a JSON value (as Jackson reads one untyped) and copies it. */
  private static Object json(Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("meta nests deeper than " + MAX_DEPTH);
    }
    return switch (value) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Integer n -> n;
      case Long n -> n;
      case Double n -> n;
      case Float n -> n;
      case Short n -> n;
      case Byte n -> n;
      case java.math.BigInteger n -> n;
      case java.math.BigDecimal n -> n;
      case Map<?, ?> map -> {
        Map<String, Object> copy = new LinkedHashMap<>(map.size());
        for (Map.Entry<?, ?> field : map.entrySet()) {
          if (!(field.getKey() instanceof String name)) {
            throw new IllegalArgumentException("meta keys must be strings: " + field.getKey());
          }
          copy.put(name, json(field.getValue(), depth + 1));
        }
        yield Collections.unmodifiableMap(copy);
      }
      case Collection<?> list -> {
        List<Object> copy = new ArrayList<>(list.size());
        for (Object item : list) {
          copy.add(json(item, depth + 1));
        }
        yield Collections.unmodifiableList(copy);
      }
      default ->
          throw new IllegalArgumentException(
              "meta values must be JSON (string, number, boolean, null, map, list), not "
                  + value.getClass().getName());
    };
  }
}
