package dev.rollcall.bench;

/**
 * The {@code count} of a {@code presence_count} payload ({@code {"count": n, "by_status": {...}}}),
 * read by scanning the frame's bytes: in summary mode every hero gets one each period, so at 100
 * 000 heroes the generator reads ~100 000 of them a second and decodes none. Stateless.
 */
final class PresenceCountBody {
  /** The scan cannot tell: decode the frame fully. */
  static final long UNKNOWN = -1;

  private PresenceCountBody() {}

  /**
   * The payload object is at {@code i}; {@code end} is exclusive; the count, or {@link #UNKNOWN}.
   */
  static long count(byte[] buf, int i, int end) {
    int value = JsonScan.fieldValue(buf, i, end, "count");
    if (value < 0) {
      return UNKNOWN;
    }
    int last = JsonScan.skipValue(buf, value, end);
    if (last < 0 || last - value > 18) {
      return UNKNOWN;
    }
    long count = 0;
    for (int k = value; k < last; k++) {
      int d = buf[k] - '0';
      if (d < 0 || d > 9) {
        return UNKNOWN; // negative, fractional, a string, null: the full decode says what it is
      }
      count = count * 10 + d;
    }
    return count;
  }
}
