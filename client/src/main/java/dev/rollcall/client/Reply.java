package dev.rollcall.client;

/**
 * How a {@link Push} ended: {@code "ok"} or {@code "error"} with the server's response, or {@code
 * "timeout"} with an empty response when no reply came in time.
 */
public record Reply(String status, Object response) {
  public boolean isOk() {
    return "ok".equals(status);
  }
}
