package dev.rollcall.presence.tracker;

import dev.rollcall.presence.crdt.Entry;
import dev.rollcall.presence.crdt.MergeResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the read view in step with what the state's merges change, then tells the listener, topic
 * by topic. Threading: called on the actor only; the view it writes is read from any thread.
 */
final class ViewUpkeep {
  private static final Logger log = LoggerFactory.getLogger(ViewUpkeep.class);

  private final PresenceView view;
  private final TrackerListener listener;
  private final String trackerName;

  ViewUpkeep(PresenceView view, TrackerListener listener, String trackerName) {
    this.view = view;
    this.listener = listener;
    this.trackerName = trackerName;
  }

  void report(MergeResult result) {
    if (result.isEmpty()) {
      return;
    }
    Map<String, List<KeyedMeta>> joins = new LinkedHashMap<>();
    Map<String, List<KeyedMeta>> leaves = new LinkedHashMap<>();
    for (Entry left : result.leaves()) {
      view.remove(left.topic(), left.key(), left.meta());
      leaves
          .computeIfAbsent(left.topic(), t -> new ArrayList<>())
          .add(new KeyedMeta(left.key(), left.meta()));
    }
    for (Entry joined : result.joins()) {
      view.add(joined.topic(), joined.key(), joined.meta());
      joins
          .computeIfAbsent(joined.topic(), t -> new ArrayList<>())
          .add(new KeyedMeta(joined.key(), joined.meta()));
    }
    Map<String, Boolean> topics = new LinkedHashMap<>();
    joins.keySet().forEach(t -> topics.put(t, true));
    leaves.keySet().forEach(t -> topics.put(t, true));
    for (String changed : topics.keySet()) {
      try {
        listener.handleDiff(
            changed,
            joins.getOrDefault(changed, List.of()),
            leaves.getOrDefault(changed, List.of()));
      } catch (RuntimeException e) {
        log.warn("tracker {} listener failed on {}: {}", trackerName, changed, e.toString());
      }
    }
  }
}
