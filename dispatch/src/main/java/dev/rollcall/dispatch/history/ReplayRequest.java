package dev.rollcall.dispatch.history;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@code phx_join} asks to be replayed, read from its params: {@code {"last_seen": {"lobby":
 * id, "direct": id}}} (either key may be absent, {@code ""} means from the oldest kept), or {@code
 * {"history": N}} with 0 ≤ N ≤ {@link HistoryConfig#MAX_RECENT}, or nothing. When both are given,
 * {@code last_seen} wins. Reasons for a refused join: {@code invalid_last_seen} (not an object, or
 * a value that is not a string id), {@code invalid_history} (not an integer in range). Other keys
 * of {@code last_seen} are ignored.
 */
public sealed interface ReplayRequest {
  String LOBBY = "lobby";
  String DIRECT = "direct";

  /** Live delivery only. */
  record None() implements ReplayRequest {}

  /**
   * Everything after each named stream's id; an empty optional is {@code ""}: from the oldest kept.
   */
  record LastSeen(Map<String, Optional<StreamId>> streams) implements ReplayRequest {
    public LastSeen {
      streams = Map.copyOf(streams);
    }
  }

  /** The newest {@code count} of both streams. */
  record Recent(int count) implements ReplayRequest {}

  record Invalid(String reason) implements ReplayRequest {}

  static ReplayRequest of(Object params) {
    if (!(params instanceof Map<?, ?> map)) {
      return new None(); // phoenix.js sends {} when a page gives no params
    }
    Object lastSeen = map.get("last_seen");
    if (lastSeen != null) {
      if (!(lastSeen instanceof Map<?, ?> streams)) {
        return new Invalid("invalid_last_seen");
      }
      Map<String, Optional<StreamId>> wanted = new LinkedHashMap<>();
      for (String stream : new String[] {LOBBY, DIRECT}) {
        if (!streams.containsKey(stream)) {
          continue;
        }
        if (!(streams.get(stream) instanceof String text)) {
          return new Invalid("invalid_last_seen");
        }
        if (text.isEmpty()) {
          wanted.put(stream, Optional.empty());
        } else {
          Optional<StreamId> id = StreamId.parse(text);
          if (id.isEmpty()) {
            return new Invalid("invalid_last_seen");
          }
          wanted.put(stream, id);
        }
      }
      return new LastSeen(wanted);
    }
    Object history = map.get("history");
    if (history == null) {
      return new None();
    }
    if (history instanceof Integer n && n >= 0 && n <= HistoryConfig.MAX_RECENT) {
      return n == 0 ? new None() : new Recent(n);
    }
    return new Invalid("invalid_history");
  }
}
