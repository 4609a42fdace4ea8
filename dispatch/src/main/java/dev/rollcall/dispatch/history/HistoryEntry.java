package dev.rollcall.dispatch.history;

import java.util.Map;
import java.util.Objects;

/**
 * One stored notification.
 *
 * @param prev the id of the entry written just before it in the same stream, or null if it was the
 *     stream's first: a reader who has seen {@code prev} has missed nothing before this entry, so
 *     whether a replay is complete is exact however ids are spaced
 * @param event the event it is pushed as ({@code notification}, {@code dispatch_offer})
 * @param payload the notification as pushed, {@code id} and {@code stream} included
 * @param skip the identity that must not get it in a replay (the sender of a {@code
 *     notify_others}), or null
 */
public record HistoryEntry(
    StreamId id, StreamId prev, String event, Map<String, Object> payload, String skip) {
  /**
   * The payload key that holds the stream id: {@code id} on a {@code notification}, {@code
   * stream_id} on other events (a {@code dispatch_offer}'s {@code id} is the dispatch's).
   */
  public static String idKey(String event) {
    return "notification".equals(event) ? "id" : "stream_id";
  }

  public HistoryEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
    payload = Map.copyOf(payload);
  }
}
