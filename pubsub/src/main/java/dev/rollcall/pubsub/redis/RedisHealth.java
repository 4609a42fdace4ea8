package dev.rollcall.pubsub.redis;

/** Whether this node can currently reach the other nodes through Redis. */
public enum RedisHealth {
  /** Connected and subscribed: broadcasts reach the other nodes. */
  UP,
  /** Not connected (or not yet subscribed): only local subscribers get messages; retrying. */
  DOWN;

  /** {@code "up"} or {@code "down"}, as {@code /healthz} reports it. */
  public String label() {
    return this == UP ? "up" : "down";
  }
}
