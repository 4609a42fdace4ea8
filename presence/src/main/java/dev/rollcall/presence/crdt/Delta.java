package dev.rollcall.presence.crdt;

import java.util.List;
import java.util.Objects;

/**
 * The changes one replica made to its own entries since its last heartbeat: it has seen the dots
 * {@code start+1..end} and {@code removed}; of those, exactly {@code values} are alive. Immutable.
 *
 * <p>A leave uses a dot of its own, so a lost leave-only delta still leaves a gap that the receiver
 * notices (its clock for {@code from} stays below the sender's).
 */
public record Delta(Replica from, long start, long end, List<Entry> values, List<Long> removed) {
  public Delta {
    Objects.requireNonNull(from, "from");
    values = List.copyOf(values);
    removed = List.copyOf(removed);
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad delta range (" + start + ", " + end + "]");
    }
    for (Entry value : values) {
      if (!value.replica().equals(from) || value.clock() <= start || value.clock() > end) {
        throw new IllegalArgumentException("delta value outside its range: " + value);
      }
    }
    for (long dot : removed) {
      if (dot < 1 || dot > end) {
        throw new IllegalArgumentException("removed dot outside the delta: " + dot);
      }
    }
  }

  public boolean isEmpty() {
    return end == start;
  }

  /** Whether the delta has seen {@code dot} of {@code from}. */
  boolean covers(long dot) {
    return (dot > start && dot <= end) || removed.contains(dot);
  }
}
