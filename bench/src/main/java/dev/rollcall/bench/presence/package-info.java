/**
 * Presence benchmarks: CRDT merge throughput (JMH), bytes per tracked entry and full-transfer size
 * ({@link dev.rollcall.bench.presence.PresenceFootprint}), and a join storm into one topic with and
 * without diff coalescing ({@link dev.rollcall.bench.presence.JoinStorm}). They print numbers;
 * nothing asserts timings.
 */
package dev.rollcall.bench.presence;
