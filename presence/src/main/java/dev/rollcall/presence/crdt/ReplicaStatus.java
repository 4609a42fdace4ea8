package dev.rollcall.presence.crdt;

/** Whether a replica's entries are listed: a down replica's entries are kept but hidden. */
public enum ReplicaStatus {
  UP,
  DOWN
}
