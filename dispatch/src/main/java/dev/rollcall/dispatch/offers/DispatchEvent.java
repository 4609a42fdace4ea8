package dev.rollcall.dispatch.offers;

import java.util.Map;

/** Everything that can happen to dispatches; {@code now} is ms since the epoch, from the driver. */
public sealed interface DispatchEvent {
  long now();

  /**
   * A hero reported an incident; {@code id} is chosen by the reporter's node (a retry is a no-op).
   */
  record Reported(String id, String body, String by, long now) implements DispatchEvent {}

  record Accepted(String id, String hero, long now) implements DispatchEvent {}

  record Declined(String id, String hero, long now) implements DispatchEvent {}

  record Resolved(String id, String hero, long now) implements DispatchEvent {}

  /** A deadline the core asked for ({@link DispatchEffect.Schedule}) has come. */
  record TimedOut(String id, long deadline, long now) implements DispatchEvent {}

  /** A hero appeared, or an already present hero opened another connection (a reconnect). */
  record HeroJoined(String hero, HeroStatus status, long now) implements DispatchEvent {}

  record HeroLeft(String hero, long now) implements DispatchEvent {}

  record StatusChanged(String hero, HeroStatus status, long now) implements DispatchEvent {}

  /**
   * A driver takes over: the board it holds was read from the store, {@code roster} is who is
   * present now. Deadlines are scheduled again, holders who are gone lose what they held.
   */
  record Resumed(Map<String, HeroStatus> roster, long now) implements DispatchEvent {
    public Resumed {
      roster = Map.copyOf(roster);
    }
  }
}
