package dev.rollcall.dispatch.history;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The directory of a single node. Thread-safe: each name changes atomically; names gone longer than
 * the ttl are forgotten when looked up, and swept from the map by a join at most once a {@link
 * #SWEEP_EVERY}.
 */
public final class InProcessHeroDirectory implements HeroDirectory {
  private record Seen(String identity, int connections, long leftAt) {}

  /**
   * A sweep walks every name: done on each join it made a lobby's ramp O(N²) (7-14 % of a node's
   * CPU at 27 000 heroes). A lookup never sees an expired name, so a late sweep only holds memory.
   */
  static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

  private final ConcurrentHashMap<String, Seen> names = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);
  private final Duration ttl;
  private final Clock clock;

  public InProcessHeroDirectory(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public void joined(String name, String identity) {
    long now = clock.millis();
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_EVERY.toMillis())) {
      names.values().removeIf(seen -> isExpired(seen, now));
    }
    names.merge(
        name,
        new Seen(identity, 1, 0),
        (old, fresh) ->
            old.identity().equals(identity)
                ? new Seen(identity, old.connections() + 1, 0)
                // The name went to another identity (the first one's ttl is not over, but it is
                // gone): the newest holder owns the name's direct notifications.
                : fresh);
  }

  @Override
  public void left(String name, String identity) {
    long now = clock.millis();
    names.computeIfPresent(
        name,
        (n, seen) ->
            seen.identity().equals(identity)
                ? new Seen(identity, Math.max(0, seen.connections() - 1), now)
                : seen);
  }

  @Override
  public Optional<String> identity(String name) {
    Seen seen = names.get(name);
    if (seen == null || isExpired(seen, clock.millis())) {
      return Optional.empty();
    }
    return Optional.of(seen.identity());
  }

  private boolean isExpired(Seen seen, long now) {
    return seen.connections() == 0 && now - seen.leftAt() > ttl.toMillis();
  }
}
