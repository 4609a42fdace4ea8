package dev.rollcall.dispatch.history;

import java.util.List;

/**
 * What a store holds of one stream after a reader's last id, oldest first, and whether that is
 * everything written after it.
 *
 * @param complete false when something after the reader's id was trimmed (size, age) or lost (Redis
 *     restarted), or the id was never issued by this stream
 */
public record Slice(List<HistoryEntry> entries, boolean complete) {
  public Slice {
    entries = List.copyOf(entries);
  }

  /**
   * Decides completeness from what a store read: the entries after {@code lastSeen} (null: "from
   * the oldest kept") and the stream's newest id (null: the stream is empty or gone).
   */
  public static Slice of(
      List<HistoryEntry> after, StreamId lastSeen, StreamId newest, boolean everTrimmed) {
    if (!after.isEmpty()) {
      StreamId prev = after.getFirst().prev();
      boolean complete = lastSeen == null ? prev == null : lastSeen.equals(prev);
      return new Slice(after, complete);
    }
    if (lastSeen == null) {
      return new Slice(after, !everTrimmed);
    }
    return new Slice(after, lastSeen.equals(newest));
  }
}
