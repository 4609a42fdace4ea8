package dev.rollcall.presence.crdt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dots of one replica seen out of order (Phoenix's "cloud"), kept as disjoint inclusive ranges
 * so a whole missed-then-received delta costs one range, not one entry per dot. Not thread-safe:
 * owned by one {@link TrackerState}.
 */
final class DotCloud {
  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  boolean contains(long dot) {
    Map.Entry<Long, Long> range = ranges.floorEntry(dot);
    return range != null && dot <= range.getValue();
  }

  /** Adds the dots {@code from..to} (inclusive), joining touching and overlapping ranges. */
  void add(long from, long to) {
    if (from > to) {
      return;
    }
    Map.Entry<Long, Long> before = ranges.floorEntry(from);
    if (before != null && before.getValue() >= from - 1) {
      from = before.getKey();
      to = Math.max(to, before.getValue());
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(from);
    while (next != null && next.getKey() <= to + 1) {
      to = Math.max(to, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(from);
    }
    ranges.put(from, to);
  }

  /**
   * Folds ranges that continue {@code contiguous} into it and drops dots it covers; returns the new
   * contiguous maximum (Phoenix.Tracker.State.compact/1).
   */
  long compact(long contiguous) {
    while (!ranges.isEmpty()) {
      Map.Entry<Long, Long> first = ranges.firstEntry();
      if (first.getKey() > contiguous + 1) {
        break;
      }
      contiguous = Math.max(contiguous, first.getValue());
      ranges.pollFirstEntry();
    }
    return contiguous;
  }

  /** As {@code [from, to]} pairs in ascending order. */
  List<long[]> ranges() {
    List<long[]> out = new ArrayList<>(ranges.size());
    ranges.forEach((from, to) -> out.add(new long[] {from, to}));
    return out;
  }

  DotCloud copy() {
    DotCloud copy = new DotCloud();
    copy.ranges.putAll(ranges);
    return copy;
  }
}
