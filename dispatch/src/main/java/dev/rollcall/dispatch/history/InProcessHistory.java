package dev.rollcall.dispatch.history;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * History in this process, for a single node: a bounded queue per stream, trimmed by size on each
 * append and by age on each access; a stream nobody wrote to for a whole ttl is forgotten.
 *
 * <p>Thread-safe: every method holds the store's lock (appends are short; the lock also keeps ids
 * in the order entries are stored).
 */
public final class InProcessHistory implements HistoryStore {
  /** Appends between sweeps for streams nobody wrote to for a whole ttl. */
  private static final int SWEEP_EVERY = 1024;

  private static final class Stream {
    final ArrayDeque<HistoryEntry> entries = new ArrayDeque<>();
    StreamId newest;
    boolean everTrimmed;
  }

  private final HistoryConfig config;
  private final Clock clock;
  private final Map<String, Stream> streams = new HashMap<>();
  private StreamId lastIssued;
  private int appendsSinceSweep;

  public InProcessHistory(HistoryConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public synchronized HistoryEntry append(
      String stream, String wireStream, String event, Map<String, Object> payload, String skip) {
    long now = clock.millis();
    lastIssued = StreamId.next(lastIssued, now);
    Stream s = streams.computeIfAbsent(stream, k -> new Stream());
    Map<String, Object> stamped = new LinkedHashMap<>(payload);
    stamped.put(HistoryEntry.idKey(event), lastIssued.toString());
    stamped.put("stream", wireStream);
    var entry = new HistoryEntry(lastIssued, s.newest, event, stamped, skip);
    s.newest = lastIssued;
    s.entries.addLast(entry);
    trim(s, now);
    if (++appendsSinceSweep >= SWEEP_EVERY) {
      appendsSinceSweep = 0;
      streams.values().removeIf(other -> trim(other, now).entries.isEmpty());
    }
    return entry;
  }

  @Override
  public synchronized Slice after(String stream, StreamId lastSeen) {
    Stream s = streams.get(stream);
    if (s == null) {
      return Slice.of(List.of(), lastSeen, null, false);
    }
    trim(s, clock.millis());
    List<HistoryEntry> after = new ArrayList<>();
    for (HistoryEntry entry : s.entries) {
      if (entry.id().isAfter(lastSeen)) {
        after.add(entry);
      }
    }
    return Slice.of(after, lastSeen, s.newest, s.everTrimmed);
  }

  @Override
  public synchronized List<HistoryEntry> latest(String stream, int count) {
    Stream s = streams.get(stream);
    if (s == null || count <= 0) {
      return List.of();
    }
    trim(s, clock.millis());
    List<HistoryEntry> all = new ArrayList<>(s.entries);
    return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
  }

  private Stream trim(Stream s, long now) {
    long oldestKept = now - config.ttl().toMillis();
    while (!s.entries.isEmpty()
        && (s.entries.size() > config.size() || s.entries.getFirst().id().millis() < oldestKept)) {
      s.entries.removeFirst();
      s.everTrimmed = true;
    }
    return s;
  }
}
