package dev.rollcall.presence.crdt;

import java.util.List;

/**
 * What one replica's history a state has seen: every dot {@code 1..contiguous}, plus the dots of
 * {@code cloud} (inclusive {@code [from, to]} ranges above {@code contiguous + 1}). Immutable.
 */
public record Dots(long contiguous, List<Range> cloud) {
  public record Range(long from, long to) {
    public Range {
      if (from < 1 || to < from) {
        throw new IllegalArgumentException("bad dot range [" + from + ", " + to + "]");
      }
    }
  }

  public Dots {
    if (contiguous < 0) {
      throw new IllegalArgumentException("negative clock: " + contiguous);
    }
    cloud = List.copyOf(cloud);
    long floor = contiguous + 1;
    for (Range range : cloud) {
      if (range.from() <= floor) {
        throw new IllegalArgumentException("cloud ranges must be ascending above the clock");
      }
      floor = range.to() + 1;
    }
  }

  public boolean contains(long dot) {
    if (dot <= contiguous) {
      return true;
    }
    for (Range range : cloud) {
      if (dot < range.from()) {
        return false;
      }
      if (dot <= range.to()) {
        return true;
      }
    }
    return false;
  }
}
