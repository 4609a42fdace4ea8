package dev.rollcall.dispatch;

import dev.rollcall.channels.ChannelSocket;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The hero names claimed on this node, so two heroes present at once never share a name: a name is
 * free when no other identity on this node holds it and the lobby's cluster-wide presence (the
 * replicated local view, never a call to another node) does not list it. A drawn name that is taken
 * is drawn again; a name that must be kept (from a token) gets a suffix ({@code "Storm (2)"}). The
 * same identity (one page, reconnecting before its old connection is gone, or in two tabs) may hold
 * its name more than once; presence then shows one hero with two metas, as Phoenix does for one
 * user on two devices.
 *
 * <p>Two nodes drawing the same name before either has seen the other's presence (the replication
 * window, ~25-50 ms) can still both take it; only a consensus could prevent that (see {@code
 * docs/cluster.md}, "Hero names across the cluster").
 *
 * <p>An anonymous hero (no token, so no socket id to close its connection by) holds its name
 * through exactly one channel, which the roster keeps so the hero can still be disconnected.
 *
 * <p>Thread-safe: each name is claimed and released atomically.
 */
public final class HeroRoster {
  /** {@code anonymousChannel}: the one channel of an anonymous holder, else null. */
  private record Holder(String identity, int claims, ChannelSocket anonymousChannel) {}

  private final ConcurrentHashMap<String, Holder> claimed = new ConcurrentHashMap<>();

  /** Fresh draws tried before a drawn name falls back to a suffix (a nearly full name space). */
  static final int REDRAWS = 32;

  /**
   * Claims {@code wanted}, or the first free {@code "wanted (n)"}, for {@code identity}; a name is
   * free when no other identity on this node holds it and {@code presentElsewhere} says no.
   */
  public String claim(String identity, String wanted, Predicate<String> presentElsewhere) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(wanted, "wanted");
    for (int n = 1; ; n++) {
      String candidate = n == 1 ? wanted : wanted + " (" + n + ")";
      if (tryClaim(identity, candidate, presentElsewhere)) {
        return candidate;
      }
    }
  }

  /**
   * Claims a name from {@code draw} for {@code identity}: the first free one of up to {@link
   * #REDRAWS} + 1 draws, so names stay spread over the whole name space (a suffix sequence would
   * make two nodes that drew the same taken name both land on the same {@code "(2)"}); only when
   * every draw is taken, the first draw with the first free suffix.
   */
  public String claimDrawn(
      String identity, Supplier<String> draw, Predicate<String> presentElsewhere) {
    Objects.requireNonNull(identity, "identity");
    String first = draw.get();
    if (tryClaim(identity, first, presentElsewhere)) {
      return first;
    }
    for (int i = 0; i < REDRAWS; i++) {
      String candidate = draw.get();
      if (tryClaim(identity, candidate, presentElsewhere)) {
        return candidate;
      }
    }
    return claim(identity, first, presentElsewhere);
  }

  private boolean tryClaim(String identity, String candidate, Predicate<String> presentElsewhere) {
    Holder holder =
        claimed.compute(
            candidate,
            (name, held) -> {
              if (held == null) {
                return presentElsewhere.test(name) ? null : new Holder(identity, 1, null);
              }
              return held.identity().equals(identity)
                  ? new Holder(identity, held.claims() + 1, held.anonymousChannel())
                  : held;
            });
    return holder != null && holder.identity().equals(identity);
  }

  /** Gives back one claim of {@code name} by {@code identity}; other holders are untouched. */
  public void release(String name, String identity) {
    claimed.computeIfPresent(
        name,
        (n, held) -> {
          if (!held.identity().equals(identity)) {
            return held;
          }
          return held.claims() == 1
              ? null
              : new Holder(identity, held.claims() - 1, held.anonymousChannel());
        });
  }

  /**
   * Records that {@code identity}, an anonymous hero, holds {@code name} through {@code channel}
   * alone, so {@link #disconnect} can reach it.
   */
  public void heldAnonymously(String name, String identity, ChannelSocket channel) {
    claimed.computeIfPresent(
        name,
        (n, held) ->
            held.identity().equals(identity) ? new Holder(identity, held.claims(), channel) : held);
  }

  /**
   * Closes this node's connections of the hero holding {@code name}, if any: an anonymous hero's
   * through its channel, any other by its socket id with {@code closeBySocketId}. Whether a hero
   * held the name here.
   */
  public boolean disconnect(String name, Consumer<String> closeBySocketId) {
    Holder holder = claimed.get(name);
    if (holder == null) {
      return false;
    }
    if (holder.anonymousChannel() != null) {
      holder.anonymousChannel().disconnect();
    } else {
      closeBySocketId.accept(HeroTokens.socketId(holder.identity()));
    }
    return true;
  }

  /** Whether any hero on this node holds {@code name}. */
  public boolean isClaimed(String name) {
    return claimed.containsKey(name);
  }
}
