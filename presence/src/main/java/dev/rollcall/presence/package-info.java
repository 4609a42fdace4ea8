/**
 * Who is on which topic, replicated between nodes as a delta-state CRDT (Phoenix.Presence on
 * Phoenix.Tracker): the API. {@link dev.rollcall.presence.Presence} is what channels use ({@link
 * dev.rollcall.presence.Presence#start}), configured by {@link
 * dev.rollcall.presence.PresenceConfig} and {@link dev.rollcall.presence.TrackerConfig}.
 *
 * <p>Dependencies point one way, towards this package: the implementation ({@code
 * dev.rollcall.presence.tracker}, on the pure CRDT in {@code dev.rollcall.presence.crdt})
 * implements these interfaces and is found through {@link java.util.ServiceLoader} ({@link
 * dev.rollcall.presence.PresenceProvider}); nothing here imports it.
 */
package dev.rollcall.presence;
