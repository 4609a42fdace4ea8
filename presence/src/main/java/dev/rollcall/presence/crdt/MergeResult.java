package dev.rollcall.presence.crdt;

import java.util.List;

/**
 * What a merge (or a replica going up or down) changed in the listed entries: the state after it,
 * the entries that appeared and those that disappeared. Entries of down replicas are never listed,
 * so they appear in neither list.
 */
public record MergeResult(TrackerState state, List<Entry> joins, List<Entry> leaves) {
  public MergeResult {
    joins = List.copyOf(joins);
    leaves = List.copyOf(leaves);
  }

  public boolean isEmpty() {
    return joins.isEmpty() && leaves.isEmpty();
  }
}
