package dev.rollcall.presence;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many keys a topic has, and how many in each group of {@link PresenceConfig#groups()}: taken
 * together, so the groups always add up to {@code count}.
 *
 * @param count keys on the topic, on every node (the size of {@link Presence#list})
 * @param groups keys per group, every configured group listed (zero included) in precedence order;
 *     empty with {@link PresenceGroups#none()}
 */
public record PresenceCount(int count, Map<String, Integer> groups) {
  public PresenceCount {
    groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
  }

  public static PresenceCount empty(PresenceGroups groups) {
    Map<String, Integer> zeros = new LinkedHashMap<>();
    groups.precedence().forEach(group -> zeros.put(group, 0));
    return new PresenceCount(0, zeros);
  }
}
