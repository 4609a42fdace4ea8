/**
 * The presence tracker (after Phoenix.Tracker): {@link dev.rollcall.presence.tracker.TrackerState}
 * is the delta-state CRDT as a pure data structure; {@link dev.rollcall.presence.tracker.Tracker}
 * is one replica per node that owns it on one thread, gossips deltas over any {@link
 * dev.rollcall.pubsub.PubSub}, repairs gaps with full transfers and detects replicas that went
 * silent.
 */
package dev.rollcall.presence.tracker;
