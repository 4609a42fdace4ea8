package dev.rollcall.dispatch;

import dev.rollcall.dispatch.offers.HeroStatus;
import dev.rollcall.presence.PresencePage;
import java.util.Map;

/**
 * A {@code list_presences} push, checked: {@code {"limit": 1..500, "after": key, "status": status,
 * "prefix": text}}, every field optional (limit 100, from the first key, any status, any name).
 * Reasons: {@code invalid_payload} (not an object), {@code invalid_limit} (not an integer in
 * range), {@code invalid_after}, {@code invalid_prefix} (not a string), {@code invalid_status} (not
 * one of {@link HeroStatus}).
 */
public sealed interface PresenceListRequest {
  int DEFAULT_LIMIT = 100;
  int MAX_LIMIT = 500;

  record Valid(PresencePage.Query query) implements PresenceListRequest {}

  record Invalid(String reason) implements PresenceListRequest {}

  static PresenceListRequest check(Object payload) {
    if (!(payload instanceof Map<?, ?> map)) {
      return new Invalid("invalid_payload");
    }
    int limit = DEFAULT_LIMIT;
    Object given = map.get("limit");
    if (given != null) {
      if (!(given instanceof Integer n) || n < 1 || n > MAX_LIMIT) {
        return new Invalid("invalid_limit");
      }
      limit = n;
    }
    Object after = map.get("after");
    if (after != null && !(after instanceof String)) {
      return new Invalid("invalid_after");
    }
    Object prefix = map.get("prefix");
    if (prefix != null && !(prefix instanceof String)) {
      return new Invalid("invalid_prefix");
    }
    String group = null;
    Object status = map.get(HeroStatus.META_KEY);
    if (status != null) {
      var parsed = HeroStatus.parse(status);
      if (parsed.isEmpty()) {
        return new Invalid("invalid_status");
      }
      group = parsed.get().wire();
    }
    return new Valid(
        new PresencePage.Query(
            (String) after, limit, group, prefix == null ? "" : (String) prefix));
  }
}
