/**
 * Who is on which topic, replicated between nodes as a delta-state CRDT (Phoenix.Presence on
 * Phoenix.Tracker). {@link dev.rollcall.presence.Presence} is the API channels use ({@link
 * dev.rollcall.presence.Presence#start}); {@link dev.rollcall.presence.TrackerPresence} implements
 * it on a {@link dev.rollcall.presence.tracker.Tracker} and turns every observed change into a
 * {@code presence_diff} for the topic's local subscribers, coalesced per topic.
 */
package dev.rollcall.presence;
