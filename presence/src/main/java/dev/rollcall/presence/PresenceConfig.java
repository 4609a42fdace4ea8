package dev.rollcall.presence;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Presence} tracks and reports.
 *
 * @param tracker the replication periods (see {@link TrackerConfig#defaults()})
 * @param diffWindow how long changes to one topic are gathered into one {@code presence_diff}; zero
 *     sends one diff per change as Phoenix does. The default, 25 ms, turns a join storm of N
 *     clients from N² frames into about N × (storm length / 25 ms), and delays a diff by at most 25
 *     ms.
 * @param maxDiffWindow how long the window may grow while a topic is in a burst of changes (it
 *     doubles each time a change follows the last diff within one window, and is back to diffWindow
 *     after a quiet window); equal to diffWindow for a fixed window; at most 1 s; no effect when
 *     diffWindow is zero. The default, 200 ms, cuts the frames a storm sends each client by up to 8
 *     against a fixed 25 ms window, at the cost of up to 200 ms more delay for changes made during
 *     the storm.
 * @param groups how {@link Presence#count} groups keys; {@link PresenceGroups#none()} by default
 */
public record PresenceConfig(
    TrackerConfig tracker, Duration diffWindow, Duration maxDiffWindow, PresenceGroups groups) {
  /** Clients should not see a change later than this, however hot the topic. */
  private static final Duration MAX_DIFF_DELAY = Duration.ofSeconds(1);

  public PresenceConfig {
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(diffWindow, "diffWindow");
    Objects.requireNonNull(maxDiffWindow, "maxDiffWindow");
    Objects.requireNonNull(groups, "groups");
    if (diffWindow.isNegative()) {
      throw new IllegalArgumentException("diffWindow must not be negative: " + diffWindow);
    }
    if (diffWindow.compareTo(tracker.broadcastPeriod()) > 0) {
      throw new IllegalArgumentException(
          "diffWindow must not exceed the broadcast period (" + tracker.broadcastPeriod() + ")");
    }
    if (maxDiffWindow.compareTo(diffWindow) < 0 || maxDiffWindow.compareTo(MAX_DIFF_DELAY) > 0) {
      throw new IllegalArgumentException(
          "maxDiffWindow must be between diffWindow ("
              + diffWindow
              + ") and "
              + MAX_DIFF_DELAY
              + ", was "
              + maxDiffWindow);
    }
  }

  /** No groups. */
  public PresenceConfig(TrackerConfig tracker, Duration diffWindow, Duration maxDiffWindow) {
    this(tracker, diffWindow, maxDiffWindow, PresenceGroups.none());
  }

  public static PresenceConfig defaults() {
    return new PresenceConfig(
        TrackerConfig.defaults(), Duration.ofMillis(25), Duration.ofMillis(200));
  }

  /** A window of {@code diffWindow} growing to at most the current maxDiffWindow, if larger. */
  public PresenceConfig withDiffWindow(Duration diffWindow) {
    return new PresenceConfig(
        tracker,
        diffWindow,
        diffWindow.compareTo(maxDiffWindow) > 0 ? diffWindow : maxDiffWindow,
        groups);
  }

  public PresenceConfig withMaxDiffWindow(Duration maxDiffWindow) {
    return new PresenceConfig(tracker, diffWindow, maxDiffWindow, groups);
  }

  public PresenceConfig withTracker(TrackerConfig tracker) {
    return new PresenceConfig(tracker, diffWindow, maxDiffWindow, groups);
  }

  public PresenceConfig withGroups(PresenceGroups groups) {
    return new PresenceConfig(tracker, diffWindow, maxDiffWindow, groups);
  }
}
