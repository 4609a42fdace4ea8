/** Who is on which topic, replicated between nodes as a delta-state CRDT (Phoenix.Tracker). */
package dev.rollcall.presence;
