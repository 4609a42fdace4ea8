/**
 * Real infrastructure for tests, shared with other modules through the pubsub test-jar: a real
 * {@code redis-server} process ({@link dev.rollcall.pubsub.redis.testing.RedisServerProcess}) and a
 * TCP proxy that can cut a node off from it ({@link dev.rollcall.pubsub.redis.testing.TcpProxy}).
 */
package dev.rollcall.pubsub.redis.testing;
