package dev.rollcall.presence;

import dev.rollcall.presence.tracker.TrackerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Presence} tracks and reports.
 *
 * @param tracker the replication periods (see {@link TrackerConfig#defaults()})
 * @param diffWindow how long changes to one topic are gathered into one {@code presence_diff}; zero
 *     sends one diff per change as Phoenix does. The default, 25 ms, turns a join storm of N
 *     clients from N² frames into about N × (storm length / 25 ms), and delays a diff by at most 25
 *     ms, well below the 1 s it takes a change to reach other nodes.
 */
public record PresenceConfig(TrackerConfig tracker, Duration diffWindow) {
  public PresenceConfig {
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(diffWindow, "diffWindow");
    if (diffWindow.isNegative()) {
      throw new IllegalArgumentException("diffWindow must not be negative: " + diffWindow);
    }
    if (diffWindow.compareTo(tracker.broadcastPeriod()) > 0) {
      throw new IllegalArgumentException(
          "diffWindow must not exceed the broadcast period (" + tracker.broadcastPeriod() + ")");
    }
  }

  public static PresenceConfig defaults() {
    return new PresenceConfig(TrackerConfig.defaults(), Duration.ofMillis(25));
  }

  public PresenceConfig withDiffWindow(Duration diffWindow) {
    return new PresenceConfig(tracker, diffWindow);
  }

  public PresenceConfig withTracker(TrackerConfig tracker) {
    return new PresenceConfig(tracker, diffWindow);
  }
}
