package dev.rollcall.presence;

import java.time.Duration;
import java.util.Objects;

/**
 * One node as this node's presence tracker sees it ({@link Presence#nodes()}): operators' view of
 * failure detection, the same one that decides when a silent node's presences leave.
 *
 * @param name the node's name (its PubSub node name)
 * @param local true for this node itself, which is always up and heard just now
 * @param up false once the node has been silent for the tracker's down period ({@link
 *     TrackerConfig#downPeriod()}); a node silent for the permdown period, or that shut down, is no
 *     longer listed
 * @param sinceHeard how long ago its last message (heartbeat or delta) arrived; zero for this node
 */
public record PresenceNode(String name, boolean local, boolean up, Duration sinceHeard) {
  public PresenceNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sinceHeard, "sinceHeard");
  }
}
