package dev.rollcall.presence.crdt;

import java.util.Map;
import java.util.Objects;

/**
 * One tracked presence: {@code owner} is on {@code topic} under {@code key} with {@code meta},
 * tagged with the dot {@code (replica, clock)} of the join that added it. The meta already holds
 * its {@code phx_ref} (and {@code phx_ref_prev} after an update) and is immutable.
 */
public record Entry(
    String topic, String key, String owner, Map<String, Object> meta, Replica replica, long clock) {
  public Entry {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(replica, "replica");
    if (clock < 1) {
      throw new IllegalArgumentException("clock must be positive: " + clock);
    }
  }

  /** The meta's {@code phx_ref}, or null when the meta has none. */
  public String phxRef() {
    return meta.get(PresenceMeta.PHX_REF) instanceof String ref ? ref : null;
  }
}
