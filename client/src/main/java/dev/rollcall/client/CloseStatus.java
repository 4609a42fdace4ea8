package dev.rollcall.client;

/**
 * How a connection ended: the close frame's code and reason, or 1006 (abnormal) when the TCP
 * connection ended without one.
 */
public record CloseStatus(int code, String reason) {
  public static final int ABNORMAL = 1006;

  /** A connection that ended without a close frame. */
  public static CloseStatus abnormal() {
    return new CloseStatus(ABNORMAL, "");
  }
}
