package dev.rollcall.dispatch;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The hero names claimed on this node, so two heroes present at once never share a name: a drawn
 * name that is taken gets a suffix ({@code "Storm (2)"}). The same identity (one page, reconnecting
 * before its old connection is gone, or in two tabs) may hold its name more than once; presence
 * then shows one hero with two metas, as Phoenix does for one user on two devices.
 *
 * <p>Names present on other nodes are checked through a predicate (presence); two nodes drawing the
 * same name in the same instant can still collide, which only a consensus could prevent.
 *
 * <p>Thread-safe: each name is claimed and released atomically.
 */
public final class HeroRoster {
  private record Holder(String identity, int claims) {}

  private final ConcurrentHashMap<String, Holder> claimed = new ConcurrentHashMap<>();

  /**
   * Claims {@code wanted}, or the first free {@code "wanted (n)"}, for {@code identity}; a name is
   * free when no other identity on this node holds it and {@code presentElsewhere} says no.
   */
  public String claim(String identity, String wanted, Predicate<String> presentElsewhere) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(wanted, "wanted");
    for (int n = 1; ; n++) {
      String candidate = n == 1 ? wanted : wanted + " (" + n + ")";
      Holder holder =
          claimed.compute(
              candidate,
              (name, held) -> {
                if (held == null) {
                  return presentElsewhere.test(name) ? null : new Holder(identity, 1);
                }
                return held.identity().equals(identity)
                    ? new Holder(identity, held.claims() + 1)
                    : held;
              });
      if (holder != null && holder.identity().equals(identity)) {
        return candidate;
      }
    }
  }

  /** Gives back one claim of {@code name} by {@code identity}; other holders are untouched. */
  public void release(String name, String identity) {
    claimed.computeIfPresent(
        name,
        (n, held) -> {
          if (!held.identity().equals(identity)) {
            return held;
          }
          return held.claims() == 1 ? null : new Holder(identity, held.claims() - 1);
        });
  }

  /** Whether any hero on this node holds {@code name}. */
  public boolean isClaimed(String name) {
    return claimed.containsKey(name);
  }
}
