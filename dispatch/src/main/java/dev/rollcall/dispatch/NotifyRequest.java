package dev.rollcall.dispatch;

import java.util.Map;
import java.util.function.Predicate;

/**
 * A client's notify push, checked before anything is delivered: a valid request or the reason a
 * page shows. Reasons: {@code invalid_body} (missing, not a string, or blank), {@code
 * body_too_long}, {@code unknown_recipient} (missing, not a string, or not present).
 */
public sealed interface NotifyRequest {

  record Valid(String body, String recipient) implements NotifyRequest {}

  record Invalid(String reason) implements NotifyRequest {}

  /**
   * Checks a push payload; {@code direct} requests also need a {@code recipient} that {@code
   * isPresent} knows.
   */
  static NotifyRequest check(
      Object payload, boolean direct, int maxBodyLength, Predicate<String> isPresent) {
    if (!(payload instanceof Map<?, ?> map) || !(map.get("body") instanceof String body)) {
      return new Invalid("invalid_body");
    }
    if (body.isBlank()) {
      return new Invalid("invalid_body");
    }
    if (body.codePointCount(0, body.length()) > maxBodyLength) {
      return new Invalid("body_too_long");
    }
    if (!direct) {
      return new Valid(body, null);
    }
    if (!(map.get("recipient") instanceof String recipient) || !isPresent.test(recipient)) {
      return new Invalid("unknown_recipient");
    }
    return new Valid(body, recipient);
  }
}
