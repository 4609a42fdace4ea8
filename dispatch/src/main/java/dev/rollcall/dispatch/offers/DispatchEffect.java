package dev.rollcall.dispatch.offers;

/** What the driver must do after a transition, in order. */
public sealed interface DispatchEffect {

  /** Push {@code dispatch_offer} to {@code hero}, wherever they are. */
  record Offer(String hero, Dispatch dispatch) implements DispatchEffect {}

  /**
   * Store the dispatch; when {@code announce}, also broadcast it as {@code dispatch_update} (a
   * change only of a deadline is stored, not shown).
   */
  record Changed(Dispatch dispatch, boolean announce) implements DispatchEffect {}

  /** Drop a resolved dispatch that fell off the board from the store. */
  record Forgotten(String id) implements DispatchEffect {}

  /** Set {@code hero}'s presence status on every connection they have. */
  record SetStatus(String hero, HeroStatus status) implements DispatchEffect {}

  /** Send {@link DispatchEvent.TimedOut} for {@code id} at {@code at} (ms since the epoch). */
  record Schedule(String id, long at) implements DispatchEffect {}

  /** Count an outcome; {@code latencyMillis} is report-to-offer or offer-to-accept, else -1. */
  record Counted(Outcome outcome, long latencyMillis) implements DispatchEffect {}

  enum Outcome {
    OFFERED,
    ACCEPTED,
    DECLINED,
    EXPIRED,
    UNASSIGNED,
    RESOLVED
  }
}
