package dev.rollcall.channels;

import java.util.Map;

/** What {@link Channel#handleIn} answers to a client push. */
public sealed interface Reply {

  /** {@code phx_reply} with the push's ref: {@code {"status": status, "response": response}}. */
  record Status(String status, Object response) implements Reply {}

  /** No reply (the client's push times out, as with Phoenix's {@code :noreply}). */
  record None() implements Reply {}

  /**
   * Sends {@code reply} (unless it is {@link None}), then ends the channel normally with {@code
   * phx_close}.
   */
  record Stop(Reply reply) implements Reply {}

  static Reply ok() {
    return new Status("ok", Map.of());
  }

  static Reply ok(Object response) {
    return new Status("ok", response);
  }

  static Reply error(Object response) {
    return new Status("error", response);
  }

  /** The usual error: {@code {"status":"error","response":{"reason": reason}}}. */
  static Reply error(String reason) {
    return new Status("error", Map.of("reason", reason));
  }

  static Reply status(String status, Object response) {
    return new Status(status, response);
  }

  static Reply none() {
    return new None();
  }

  static Reply stop(Reply reply) {
    return new Stop(reply);
  }
}
