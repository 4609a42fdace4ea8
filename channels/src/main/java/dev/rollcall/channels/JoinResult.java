package dev.rollcall.channels;

import java.util.Map;

/** What {@link Channel#join} decides: {@code {"status":"ok"|"error","response":...}}. */
public sealed interface JoinResult {

  record Ok(Object response) implements JoinResult {}

  record Error(Object response) implements JoinResult {}

  static JoinResult ok() {
    return new Ok(Map.of());
  }

  static JoinResult ok(Object response) {
    return new Ok(response);
  }

  static JoinResult error(Object response) {
    return new Error(response);
  }

  /** The usual refusal: {@code {"reason": reason}}. */
  static JoinResult refuse(String reason) {
    return new Error(Map.of("reason", reason));
  }
}
