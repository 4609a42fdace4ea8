package dev.rollcall.dispatch.history;

import java.util.List;
import java.util.Map;

/**
 * Where notifications are kept per stream for replay: bounded by {@link HistoryConfig#size()}
 * entries and {@link HistoryConfig#ttl()} of age. Implementations are thread-safe.
 */
public interface HistoryStore extends AutoCloseable {

  /**
   * Stores {@code payload} (without id and stream) as the next entry of {@code stream}, returning
   * it with its id; the stored payload carries the id and {@code wireStream}.
   *
   * @throws RuntimeException if the store cannot be reached: nothing was stored
   */
  HistoryEntry append(
      String stream, String wireStream, String event, Map<String, Object> payload, String skip);

  /** Everything kept after {@code lastSeen} (null: from the oldest kept), oldest first. */
  Slice after(String stream, StreamId lastSeen);

  /** The newest {@code count} entries, oldest first. */
  List<HistoryEntry> latest(String stream, int count);

  @Override
  default void close() {}
}
