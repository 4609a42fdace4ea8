package dev.rollcall.dispatch.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One node's figures at one moment, as it publishes them to the cluster every sample period.
 *
 * @param node the node's name
 * @param at when it was sampled (epoch milliseconds, the sampling node's clock)
 * @param connections open sockets
 * @param channels joined channels
 * @param heapUsed heap in use, bytes
 * @param heapMax the heap's limit, bytes (-1 when the JVM has none)
 * @param uptimeMillis how long the node's JVM has run
 * @param messagesInPerSecond frames received from clients per second over the last period
 * @param messagesOutPerSecond frames sent to clients per second over the last period
 * @param redis the node's Redis connection: {@code up}, {@code down} or {@code disabled}
 */
public record NodeStats(
    String node,
    long at,
    long connections,
    long channels,
    long heapUsed,
    long heapMax,
    long uptimeMillis,
    double messagesInPerSecond,
    double messagesOutPerSecond,
    String redis) {

  /** As it crosses PubSub and reaches the page: a JSON object with snake_case names. */
  public Map<String, Object> toWire() {
    Map<String, Object> wire = new LinkedHashMap<>();
    wire.put("node", node);
    wire.put("at", at);
    wire.put("connections", connections);
    wire.put("channels", channels);
    wire.put("heap_used", heapUsed);
    wire.put("heap_max", heapMax);
    wire.put("uptime_ms", uptimeMillis);
    wire.put("messages_in_per_s", messagesInPerSecond);
    wire.put("messages_out_per_s", messagesOutPerSecond);
    wire.put("redis", redis);
    return wire;
  }

  /**
   * Reads what {@link #toWire} wrote, as it arrives from another node (numbers may come back as any
   * {@link Number}); empty for anything else, which a receiver drops.
   */
  public static Optional<NodeStats> fromWire(Object payload) {
    if (!(payload instanceof Map<?, ?> wire)
        || !(wire.get("node") instanceof String node)
        || node.isEmpty()
        || !(wire.get("redis") instanceof String redis)) {
      return Optional.empty();
    }
    Number[] numbers = new Number[8];
    String[] names = {
      "at",
      "connections",
      "channels",
      "heap_used",
      "heap_max",
      "uptime_ms",
      "messages_in_per_s",
      "messages_out_per_s"
    };
    for (int i = 0; i < names.length; i++) {
      if (!(wire.get(names[i]) instanceof Number number)) {
        return Optional.empty();
      }
      numbers[i] = number;
    }
    return Optional.of(
        new NodeStats(
            node,
            numbers[0].longValue(),
            numbers[1].longValue(),
            numbers[2].longValue(),
            numbers[3].longValue(),
            numbers[4].longValue(),
            numbers[5].longValue(),
            numbers[6].doubleValue(),
            numbers[7].doubleValue(),
            redis));
  }
}
