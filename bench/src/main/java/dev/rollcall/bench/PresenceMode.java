package dev.rollcall.bench;

import java.util.Locale;

/**
 * What the heroes of a grow run ask for when they join: the whole roster ({@code presence_state}
 * and {@code presence_diff}, as phoenix.js Presence needs), or only the lobby's count ({@code
 * presence_count}, joined with {@code {"presence": "summary"}}); {@code BOTH} runs one after the
 * other on fresh servers.
 */
enum PresenceMode {
  FULL,
  SUMMARY,
  BOTH;

  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static PresenceMode parse(String value) {
    for (PresenceMode mode : values()) {
      if (mode.id().equals(value.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new UsageException("--presence must be full, summary or both, got " + value);
  }
}
