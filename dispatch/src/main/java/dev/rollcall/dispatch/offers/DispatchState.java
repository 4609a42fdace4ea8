package dev.rollcall.dispatch.offers;

import java.util.Locale;

/** Where a dispatch is: offered to one hero, assigned to one, with nobody, or done. */
public enum DispatchState {
  OFFERED,
  ASSIGNED,
  UNASSIGNED,
  RESOLVED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
