/**
 * Cross-node delivery through Redis topologies, measured with the pubsub public API only: one Redis
 * server against a sharded Redis Cluster ({@link
 * dev.rollcall.bench.redis.RedisTopologyThroughput}). Prints numbers; nothing asserts timings.
 */
package dev.rollcall.bench.redis;
