package dev.rollcall.dispatch.offers;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The driver's own ceiling (docs/dispatch.md, "Measurements"): {@link DispatchCore} alone, 1000
 * heroes present, each incident reported, offered, accepted and resolved, 100 open at a time. No
 * I/O: what one driver thread sustains before the store and the fan-out to pages. Prints numbers;
 * asserts nothing.
 */
public final class DispatchCoreMeasurement {
  public static void main(String[] args) {
    var core = new DispatchCore(OfferRules.defaults());
    Map<String, HeroStatus> heroes = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      heroes.put("hero-" + i, HeroStatus.AVAILABLE);
    }
    var random = new SplittableRandom(1);
    for (int round = 0; round < 3; round++) {
      DispatchBoard board =
          core.apply(DispatchBoard.empty(), new DispatchEvent.Resumed(heroes, 0), random).board();
      int incidents = 20_000;
      long start = System.nanoTime();
      long now = 1;
      for (int i = 0; i < incidents; i++) {
        String id = "d" + i;
        board = core.apply(board, new DispatchEvent.Reported(id, "x", "r", now++), random).board();
        String held = board.dispatches().get(id).hero();
        board = core.apply(board, new DispatchEvent.Accepted(id, held, now++), random).board();
        // Keep 100 open: resolve the one reported 100 incidents ago.
        if (i >= 100) {
          String old = "d" + (i - 100);
          Dispatch d = board.dispatches().get(old);
          board =
              core.apply(board, new DispatchEvent.Resolved(old, d.hero(), now++), random).board();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "core alone: %d incidents (report, accept, resolve) in %.2f s: %.0f incidents/s%n",
          incidents, seconds, incidents / seconds);
    }
  }
}
