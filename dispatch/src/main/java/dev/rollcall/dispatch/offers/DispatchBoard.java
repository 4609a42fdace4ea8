package dev.rollcall.dispatch.offers;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The driver's whole state: every dispatch still on the board and every hero present with their
 * status. Immutable; {@link DispatchCore} makes the next one.
 */
public record DispatchBoard(Map<String, Dispatch> dispatches, Map<String, HeroStatus> heroes) {

  /** Oldest first; ties by id, so the order never depends on a map's. */
  static final Comparator<Dispatch> BY_AGE =
      Comparator.comparingLong(Dispatch::createdAt).thenComparing(Dispatch::id);

  public DispatchBoard {
    dispatches = Map.copyOf(dispatches);
    heroes = Map.copyOf(heroes);
  }

  public static DispatchBoard empty() {
    return new DispatchBoard(Map.of(), Map.of());
  }

  /**
   * A board read from the store: dispatches only, heroes come with {@link DispatchEvent.Resumed}.
   */
  public static DispatchBoard of(List<Dispatch> dispatches) {
    return new DispatchBoard(
        dispatches.stream()
            .collect(java.util.stream.Collectors.toMap(Dispatch::id, d -> d, (a, b) -> b)),
        Map.of());
  }

  /** What {@code dispatch_board} shows: oldest first. */
  public List<Dispatch> sorted() {
    return dispatches.values().stream().sorted(BY_AGE).toList();
  }
}
