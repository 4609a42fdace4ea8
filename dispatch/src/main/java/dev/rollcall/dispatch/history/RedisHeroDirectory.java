package dev.rollcall.dispatch.history;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of a cluster: {@code <prefix>:history:hero:<name>} holds the identity, without
 * expiry while the hero is present, expiring a ttl after a connection of theirs left. This node's
 * present heroes are written again every {@link #REASSERT} so a Redis that restarted (and lost the
 * keys) learns them back; writes while Redis is down are dropped and logged (the next reassert
 * repairs them).
 *
 * <p>Thread-safe: a local map of this node's connections, Lettuce's connection for Redis, one
 * scheduler thread for the reassert.
 */
public final class RedisHeroDirectory implements HeroDirectory {
  private static final Logger log = LoggerFactory.getLogger(RedisHeroDirectory.class);
  static final Duration REASSERT = Duration.ofSeconds(2);

  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;
  private final Duration ttl;
  private final InProcessHeroDirectory local;
  private final Map<String, String> presentHere = new HashMap<>();
  private final Map<String, Integer> connectionsHere = new HashMap<>();
  private final ScheduledExecutorService reassert =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> Thread.ofPlatform().name("history-directory").daemon().unstarted(runnable));

  public RedisHeroDirectory(RedisHistory store, String prefix, Duration ttl, Clock clock) {
    this.connection = store.connection();
    this.prefix = prefix + ":history:hero:";
    this.ttl = ttl;
    this.local = new InProcessHeroDirectory(ttl, clock);
    long every = REASSERT.toMillis();
    reassert.scheduleWithFixedDelay(this::reassert, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void joined(String name, String identity) {
    local.joined(name, identity);
    synchronized (this) {
      presentHere.put(name, identity);
      connectionsHere.merge(name, 1, Integer::sum);
    }
    try {
      connection.sync().set(prefix + name, identity);
    } catch (RuntimeException e) {
      log.warn("history directory: {} not written ({}), retried shortly", name, e.toString());
    }
  }

  @Override
  public void left(String name, String identity) {
    local.left(name, identity);
    synchronized (this) {
      if (connectionsHere.merge(name, -1, Integer::sum) <= 0) {
        connectionsHere.remove(name);
        presentHere.remove(name);
      } else {
        return; // still connected here
      }
    }
    try {
      if (identity.equals(connection.sync().get(prefix + name))) {
        connection.sync().pexpire(prefix + name, ttl.toMillis());
      }
    } catch (RuntimeException e) {
      log.warn("history directory: {} not expired ({})", name, e.toString());
    }
  }

  @Override
  public Optional<String> identity(String name) {
    Optional<String> here = local.identity(name);
    if (here.isPresent()) {
      return here;
    }
    return Optional.ofNullable(connection.sync().get(prefix + name));
  }

  private void reassert() {
    Map<String, String> present;
    synchronized (this) {
      if (presentHere.isEmpty()) {
        return;
      }
      present = new HashMap<>();
      presentHere.forEach((name, identity) -> present.put(prefix + name, identity));
    }
    try {
      connection.sync().mset(present);
    } catch (RuntimeException e) {
      log.debug("history directory reassert failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    reassert.shutdownNow();
  }
}
