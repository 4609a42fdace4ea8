package dev.rollcall.channels.channel;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * How deeply a decoded payload nests objects and arrays: a scalar is 0, {@code {}} and {@code []}
 * are 1, {@code {"a":[1]}} is 2. Iterative, so measuring a hostile payload cannot overflow the
 * stack itself. Stateless.
 */
final class PayloadDepth {
  private PayloadDepth() {}

  /** Whether {@code payload} nests deeper than {@code max}; stops looking once it does. */
  static boolean exceeds(Object payload, int max) {
    if (!(payload instanceof Map<?, ?>) && !(payload instanceof List<?>)) {
      return false;
    }
    ArrayDeque<Object> values = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    values.push(payload);
    depths.push(1);
    while (!values.isEmpty()) {
      Object value = values.pop();
      int depth = depths.pop();
      if (depth > max) {
        return true;
      }
      Iterable<?> children = value instanceof Map<?, ?> map ? map.values() : (List<?>) value;
      for (Object child : children) {
        if (child instanceof Map<?, ?> || child instanceof List<?>) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
    return false;
  }
}
