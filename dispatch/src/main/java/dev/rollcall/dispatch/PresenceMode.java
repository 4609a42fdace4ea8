package dev.rollcall.dispatch;

import java.util.Map;

/**
 * How a lobby join wants presence, read from its params: absent is {@code FULL} (Phoenix's {@code
 * presence_state} and every {@code presence_diff}, as phoenix.js expects); {@code {"presence":
 * "summary"}} is {@code SUMMARY} ({@code presence_count} and {@code list_presences} instead).
 * Anything else is refused with {@link #INVALID_REASON}.
 */
public enum PresenceMode {
  FULL,
  SUMMARY;

  public static final String PARAM = "presence";

  /** The join's refusal reason for a {@code presence} param that is present but not "summary". */
  public static final String INVALID_REASON = "invalid_presence: expected \"summary\" or no param";

  public String wire() {
    return this == FULL ? "full" : "summary";
  }

  /** The mode a join asks for, or null when its {@code presence} param is not one. */
  static PresenceMode of(Object params) {
    if (!(params instanceof Map<?, ?> map) || !map.containsKey(PARAM)) {
      return FULL;
    }
    return "summary".equals(map.get(PARAM)) ? SUMMARY : null;
  }
}
