package dev.rollcall.dispatch.offers;

import java.util.Locale;
import java.util.Optional;

/** A hero's availability, as carried in their presence meta under {@code status}. */
public enum HeroStatus {
  AVAILABLE,
  BUSY,
  OFF_DUTY;

  public static final String META_KEY = "status";

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status named {@code value} on the wire, if it is one. */
  public static Optional<HeroStatus> parse(Object value) {
    if (!(value instanceof String text)) {
      return Optional.empty();
    }
    for (HeroStatus status : values()) {
      if (status.wire().equals(text)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
