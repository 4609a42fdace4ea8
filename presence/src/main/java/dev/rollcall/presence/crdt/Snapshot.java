package dev.rollcall.presence.crdt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A replica's whole state as sent in a full transfer: what it has seen of each replica ({@code
 * context}) and the entries alive in it ({@code values}). Immutable.
 */
public record Snapshot(Replica from, Map<Replica, Dots> context, List<Entry> values) {
  public Snapshot {
    Objects.requireNonNull(from, "from");
    context = Map.copyOf(context);
    values = List.copyOf(values);
    for (Entry value : values) {
      Dots dots = context.get(value.replica());
      if (dots == null || !dots.contains(value.clock())) {
        throw new IllegalArgumentException("snapshot value outside its context: " + value);
      }
    }
  }
}
