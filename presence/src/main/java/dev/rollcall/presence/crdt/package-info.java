/**
 * The presence CRDT as pure values (after Phoenix.Tracker.State, Clock and Replica): {@link
 * dev.rollcall.presence.crdt.TrackerState} and what it hands out. Imports only {@code java.*}
 * collections: no I/O, threads, clocks or JSON, so it is tested by properties alone and every
 * effect (when to gossip, what a silence means, how bytes look) lives in the tracker shell, which
 * depends on it and never the other way.
 */
package dev.rollcall.presence.crdt;
