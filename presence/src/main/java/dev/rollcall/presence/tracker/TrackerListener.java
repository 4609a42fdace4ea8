package dev.rollcall.presence.tracker;

import java.util.List;

/**
 * Hears every change a {@link Tracker} observes, local or merged from a peer (Phoenix's {@code
 * handle_diff/2}). Called on the thread that made a local change or on the tracker's own thread: it
 * must be quick and must not block.
 */
@FunctionalInterface
public interface TrackerListener {
  void handleDiff(String topic, List<KeyedMeta> joins, List<KeyedMeta> leaves);
}
