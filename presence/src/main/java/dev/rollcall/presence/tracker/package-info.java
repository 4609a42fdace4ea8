/**
 * The tracker shell around the pure CRDT (after Phoenix.Tracker.Shard), internal: one replica per
 * node owns a {@link dev.rollcall.presence.crdt.TrackerState} on one thread, gossips its deltas
 * over any {@link dev.rollcall.pubsub.PubSub} (registering its codec there), repairs gaps with full
 * transfers and detects replicas that went silent; {@link
 * dev.rollcall.presence.tracker.TrackerPresence} turns what it observes into {@code presence_diff}s
 * and keeps the read view (with its cached JSON) that lists are served from.
 *
 * <p>Dependencies: this package imports the API ({@code dev.rollcall.presence}) and the core
 * ({@code dev.rollcall.presence.crdt}); neither imports it back.
 */
package dev.rollcall.presence.tracker;
