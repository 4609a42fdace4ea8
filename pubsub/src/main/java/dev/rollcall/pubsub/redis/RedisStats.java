package dev.rollcall.pubsub.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of one {@link RedisPubSub} since it started, for {@code /metrics}.
 *
 * @param published messages Redis accepted from this node
 * @param publishFailed messages that could not be sent (Redis down): other nodes missed them
 * @param received messages that arrived from Redis, including echoes and dropped ones
 * @param ownEchoes this node's own broadcasts coming back, ignored because they were delivered
 *     locally at once
 * @param dropped bad input from Redis, by reason
 */
public record RedisStats(
    long published,
    long publishFailed,
    long received,
    long ownEchoes,
    Map<DropReason, Long> dropped) {

  public RedisStats {
    dropped = Map.copyOf(dropped);
  }

  public long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }

  public long dropped(DropReason reason) {
    return dropped.getOrDefault(reason, 0L);
  }

  /**
   * Drops by {@link DropReason#label()}, every reason present (0 if none), in declaration order.
   */
  public Map<String, Long> droppedByLabel() {
    Map<String, Long> byLabel = new LinkedHashMap<>();
    for (DropReason reason : DropReason.values()) {
      byLabel.put(reason.label(), dropped(reason));
    }
    return byLabel;
  }
}
