package dev.rollcall.bench;

/**
 * The send time in a notification payload's {@code "body":"bench:<nanos>"}, read by scanning the
 * frame's bytes: the load generator's hot path, so it decodes no JSON and builds no message.
 * Stateless.
 */
final class NotificationBody {
  /** The scan cannot tell: decode the frame fully. */
  static final long UNKNOWN = Long.MIN_VALUE;

  /** A plain body that is not one of ours (e.g. the app's own notifications): ignore it. */
  static final long NOT_OURS = Long.MIN_VALUE + 1;

  private NotificationBody() {}

  /** The payload object is at {@code i}; {@code end} is exclusive. */
  static long sentAt(byte[] buf, int i, int end) {
    int value = JsonScan.fieldValue(buf, i, end, "body");
    if (value < 0) {
      return UNKNOWN;
    }
    int close = JsonScan.plainString(buf, value, end);
    if (close < 0) {
      return UNKNOWN; // not a string, or escapes: the full decode says what it is
    }
    int digits = value + 1 + Worker.BODY_PREFIX.length();
    if (!JsonScan.matches(buf, value + 1, end, Worker.BODY_PREFIX)) {
      return NOT_OURS;
    }
    int last = close - 1; // the closing quote
    boolean negative = digits < last && buf[digits] == '-';
    int k = negative ? digits + 1 : digits;
    if (k >= last || last - k > 18) {
      return UNKNOWN; // empty or too long for a long: the full path counts it undecodable
    }
    long nanos = 0;
    for (; k < last; k++) {
      int d = buf[k] - '0';
      if (d < 0 || d > 9) {
        return UNKNOWN;
      }
      nanos = nanos * 10 + d;
    }
    return negative ? -nanos : nanos;
  }
}
