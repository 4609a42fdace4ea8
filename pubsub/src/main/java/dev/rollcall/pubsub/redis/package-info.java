/**
 * {@link dev.rollcall.pubsub.redis.RedisPubSub}: the {@link dev.rollcall.pubsub.PubSub} that joins
 * several nodes through one real Redis server (after phoenix_pubsub_redis).
 *
 * <p>Owns the wire format of the messages between nodes ({@link
 * dev.rollcall.pubsub.redis.RedisEnvelope}), the connection lifecycle (capped exponential backoff,
 * an up/down {@link dev.rollcall.pubsub.redis.RedisHealth}) and the counters of dropped bad input.
 * The layers above send their own message types through registered {@link
 * dev.rollcall.pubsub.MessageCodec}s and never see Redis.
 */
package dev.rollcall.pubsub.redis;
