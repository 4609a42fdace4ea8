/**
 * Presence measurements through its public API: a join storm into one topic with and without diff
 * coalescing ({@link dev.rollcall.bench.presence.JoinStorm}), and replication across nodes over a
 * real Redis ({@link dev.rollcall.bench.presence.ClusterPresenceCapacity}, {@link
 * dev.rollcall.bench.presence.ClusterPresenceMeasurement}). The microbenchmarks of presence's
 * internals (CRDT merge throughput, bytes per entry) live in the presence module's tests, beside
 * what they measure. They print numbers; nothing asserts timings.
 */
package dev.rollcall.bench.presence;
