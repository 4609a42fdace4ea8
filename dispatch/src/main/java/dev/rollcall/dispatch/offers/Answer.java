package dev.rollcall.dispatch.offers;

import java.util.Map;

/** The reply a hero's request gets: ok with a response, or refused with a reason. */
public sealed interface Answer {

  record Ok(Map<String, Object> response) implements Answer {
    public Ok {
      response = Map.copyOf(response);
    }
  }

  record Refused(String reason) implements Answer {}

  /** For events that are not requests. */
  record None() implements Answer {}

  static Answer ok() {
    return new Ok(Map.of());
  }

  static Answer refused(String reason) {
    return new Refused(reason);
  }
}
