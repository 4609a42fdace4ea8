package dev.rollcall.presence;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * How {@link Presence#count} groups a topic's keys: by the value of one meta field, kept as changes
 * arrive so a count never walks the topic. A key with several metas (one per connection) counts
 * once, under the first value of {@code precedence} that any of its metas holds; a key none of
 * whose metas holds a listed value counts under the last one, the default.
 *
 * <p>For heroes with a {@code "status"}: {@code new PresenceGroups("status", List.of("busy",
 * "off_duty", "available"))}: busy if any tab says busy, else off duty if any says so, else
 * available.
 *
 * @param field the meta field to group by; empty for no groups ({@link #none()})
 * @param precedence the groups, most binding first; empty exactly when {@code field} is
 */
public record PresenceGroups(String field, List<String> precedence) {

  public PresenceGroups {
    Objects.requireNonNull(field, "field");
    precedence = List.copyOf(precedence);
    if (field.isEmpty() != precedence.isEmpty()) {
      throw new IllegalArgumentException(
          "a field needs at least one group, and groups need a field: field '"
              + field
              + "', groups "
              + precedence);
    }
    if (new HashSet<>(precedence).size() != precedence.size()) {
      throw new IllegalArgumentException("groups must be distinct: " + precedence);
    }
  }

  /** No groups: {@link PresenceCount#groups()} is empty. */
  public static PresenceGroups none() {
    return new PresenceGroups("", List.of());
  }

  public boolean isNone() {
    return precedence.isEmpty();
  }
}
