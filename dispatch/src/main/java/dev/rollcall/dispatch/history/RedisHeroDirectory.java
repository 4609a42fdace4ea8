package dev.rollcall.dispatch.history;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of a cluster: {@code <prefix>:history:hero:<name>} holds the identity, without
 * expiry while the hero is present, expiring a ttl after their last connection on this node left.
 * Neither waits for Redis: a join sends one {@code SET}, a leave one script that sets the ttl only
 * if the key still holds the leaving identity (one who took the name since keeps it without
 * expiry). A failed write is logged and repaired by the reassert: a join by the writes below, a
 * leave by sending its script again on each tick until it succeeds or the hero is back here.
 *
 * <p>The reassert, every {@link Reassert#tick}: first {@code PEXPIRE} of this instance's marker key
 * ({@code <prefix>:history:directory:<random id>}, which also tells Redis to keep it for a while
 * longer). A missing marker means Redis restarted or was flushed: every present hero of this node
 * is written at once, then the marker. Otherwise the tick writes the next slice of the present
 * heroes, round robin, so each is written again within a {@link Reassert#cycle}. Both, because
 * losing a few writes does not always lose the marker: a failover to a replica (Sentinel, or a
 * shard of a Redis Cluster, where the marker may also live on another shard) drops the writes not
 * yet replicated and keeps the older marker, and a join refused while Redis was briefly unreachable
 * leaves no trace in Redis at all; the round robin repairs those within a cycle, and no single tick
 * sends every hero (a command of 16 000 keys delays every other command on the connection, which
 * the history store shares). Writes go in {@code MSET}s of at most {@link Reassert#batch} keys.
 *
 * <p>Thread-safe: joins, leaves, lookups and the reassert's pick of heroes hold one lock while they
 * change or read the map of this node's heroes and send their commands (never waiting for a reply),
 * so Redis receives a hero's writes in the order the map changed (a reassert never undoes a leave's
 * ttl); Lettuce's connection keeps that order; failed leaves wait in a concurrent map; one
 * scheduler thread runs the reassert and waits for its replies outside the lock.
 */
public final class RedisHeroDirectory implements HeroDirectory {
  private static final Logger log = LoggerFactory.getLogger(RedisHeroDirectory.class);

  /**
   * KEYS: the hero's key. ARGV: the leaving identity, the ttl in ms. Sent whole with {@code EVAL}
   * (about 100 bytes): an {@code EVALSHA} refused with {@code NOSCRIPT} would have its fallback
   * sent later, behind commands of this node sent after it (a rejoin's {@code SET}), and then
   * expire a hero who is back.
   */
  private static final String EXPIRE_IF_HELD =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then"
          + " return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

  /** How long the reassert waits for its replies before it logs them as lost. */
  private static final Duration REPLIES = Duration.ofSeconds(5);

  /** The most failed leaves kept for a retry (while Redis is down for long, more are dropped). */
  private static final int MAX_UNEXPIRED = 100_000;

  /**
   * How this node writes its present heroes again.
   *
   * @param tick how often the marker is checked and a slice written
   * @param cycle every present hero is written again within this
   * @param minSlice the fewest heroes a tick writes (all of them if there are fewer)
   * @param batch the most keys in one {@code MSET}
   */
  record Reassert(Duration tick, Duration cycle, int minSlice, int batch) {
    Reassert {
      Objects.requireNonNull(tick, "tick");
      Objects.requireNonNull(cycle, "cycle");
      if (tick.toMillis() < 1 || cycle.compareTo(tick) < 0) {
        throw new IllegalArgumentException(
            "reassert tick must be positive and at most the cycle, got " + tick + " / " + cycle);
      }
      if (minSlice < 1 || batch < 1) {
        throw new IllegalArgumentException(
            "reassert slice and batch must be positive, got " + minSlice + " / " + batch);
      }
    }

    static Reassert defaults() {
      return new Reassert(Duration.ofSeconds(2), Duration.ofSeconds(60), 200, 1000);
    }

    /** This, with a cycle of at most half the {@code ttl} (and at least a tick). */
    Reassert within(Duration ttl) {
      Duration half = ttl.dividedBy(2);
      if (cycle.compareTo(half) <= 0) {
        return this;
      }
      return new Reassert(tick, half.compareTo(tick) < 0 ? tick : half, minSlice, batch);
    }

    /**
     * How many of {@code present} heroes one tick writes: enough that the whole ticks of a cycle
     * write them all.
     */
    int slice(int present) {
      long share = Math.ceilDiv(present, cycle.toMillis() / tick.toMillis());
      return (int) Math.min(present, Math.max(minSlice, share));
    }

    /**
     * How long Redis keeps the marker after the last tick refreshed it: long enough that a slow
     * tick does not look like a flush (which would only cost one full rewrite), short enough that a
     * stopped node's marker goes away.
     */
    Duration markerTtl() {
      return cycle.multipliedBy(2).compareTo(tick.multipliedBy(10)) > 0
          ? cycle.multipliedBy(2)
          : tick.multipliedBy(10);
    }
  }

  private record Present(String identity, int connections) {}

  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> async;
  private final String heroPrefix;
  private final String marker;
  private final String ttlMillis;
  private final Reassert reassert;
  private final ReentrantLock lock = new ReentrantLock();

  /** This node's present heroes by name, sorted so the round robin can resume after a name. */
  private final TreeMap<String, Present> presentHere = new TreeMap<>();

  /** The last name the round robin wrote; guarded by the lock. */
  private String cursor;

  /** Leaves whose script failed, name to identity, sent again by the next tick. */
  private final ConcurrentHashMap<String, String> unexpired = new ConcurrentHashMap<>();

  private final RateLimitedWarning notWritten = new RateLimitedWarning("not written");
  private final RateLimitedWarning notExpired = new RateLimitedWarning("not expired");
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> Thread.ofPlatform().name("history-directory").daemon().unstarted(runnable));

  public RedisHeroDirectory(RedisHistory store, String prefix, Duration ttl) {
    this(store, prefix, ttl, Reassert.defaults());
  }

  RedisHeroDirectory(RedisHistory store, String prefix, Duration ttl, Reassert reassert) {
    this.connection = store.connection();
    this.async = connection.async();
    this.heroPrefix = prefix + ":history:hero:";
    this.marker = prefix + ":history:directory:" + UUID.randomUUID();
    this.ttlMillis = Long.toString(ttl.toMillis());
    // A hero present on two nodes who leaves one gets the ttl there: the other node's round robin
    // must take it away before it runs out.
    this.reassert = reassert.within(ttl);
    long every = this.reassert.tick().toMillis();
    ticks.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /** The key whose absence tells this directory that Redis lost its data. */
  String marker() {
    return marker;
  }

  @Override
  public void joined(String name, String identity) {
    lock.lock();
    try {
      Present was = presentHere.get(name);
      presentHere.put(name, new Present(identity, was == null ? 1 : was.connections() + 1));
      unexpired.remove(name);
      async
          .set(heroPrefix + name, identity)
          .whenComplete((ok, failure) -> notWritten.log(name, failure));
    } catch (RuntimeException e) {
      notWritten.log(name, e); // Lettuce fails the future instead; a join never fails for Redis
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void left(String name, String identity) {
    lock.lock();
    try {
      Present was = presentHere.get(name);
      if (was != null && was.connections() > 1) {
        presentHere.put(name, new Present(was.identity(), was.connections() - 1));
        return; // still connected here
      }
      presentHere.remove(name);
      expireIfHeld(name, identity);
    } catch (RuntimeException e) {
      notExpired.log(name, e); // Lettuce fails the future instead; a leave never fails for Redis
    } finally {
      lock.unlock();
    }
  }

  /** Sends the leave's script; the caller holds the lock. */
  private CompletableFuture<Long> expireIfHeld(String name, String identity) {
    return async
        .<Long>eval(
            EXPIRE_IF_HELD,
            ScriptOutputType.INTEGER,
            new String[] {heroPrefix + name},
            identity,
            ttlMillis)
        .toCompletableFuture()
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                notExpired.log(name, failure);
                if (unexpired.size() < MAX_UNEXPIRED) {
                  unexpired.put(name, identity);
                }
              }
            });
  }

  /**
   * Present here: known without Redis. Otherwise Redis answers, also for a hero who left this node
   * (another identity may have taken the name on another node since).
   */
  @Override
  public Optional<String> identity(String name) {
    lock.lock();
    try {
      Present here = presentHere.get(name);
      if (here != null) {
        return Optional.of(here.identity());
      }
    } finally {
      lock.unlock();
    }
    return Optional.ofNullable(connection.sync().get(heroPrefix + name));
  }

  /** One reassert; the scheduler calls it, tests too. */
  void tick() {
    boolean markerHeld;
    try {
      markerHeld = connection.sync().pexpire(marker, reassert.markerTtl().toMillis());
    } catch (RuntimeException e) {
      log.debug("history directory reassert skipped: {}", e.toString());
      return;
    }
    List<CompletableFuture<?>> sent = new ArrayList<>();
    lock.lock();
    try {
      retryLeaves(sent);
      if (markerHeld) {
        sendSlice(sent);
      } else {
        sendAll(sent);
        // After the heroes on the same connection: a marker in Redis means they are there too.
        sent.add(
            async
                .set(marker, "", SetArgs.Builder.px(reassert.markerTtl().toMillis()))
                .toCompletableFuture());
      }
    } finally {
      lock.unlock();
    }
    awaitReplies(sent, markerHeld ? "slice" : "full rewrite");
  }

  private void retryLeaves(List<CompletableFuture<?>> sent) {
    for (Map.Entry<String, String> leave : unexpired.entrySet()) {
      String name = leave.getKey();
      // A failure of this retry puts the leave back.
      if (unexpired.remove(name, leave.getValue()) && !presentHere.containsKey(name)) {
        sent.add(expireIfHeld(name, leave.getValue()));
      }
    }
  }

  /** The next {@link Reassert#slice} heroes after {@link #cursor}, wrapping around. */
  private void sendSlice(List<CompletableFuture<?>> sent) {
    if (presentHere.isEmpty()) {
      return;
    }
    int count = reassert.slice(presentHere.size());
    Iterator<Map.Entry<String, Present>> heroes =
        (cursor == null ? presentHere : presentHere.tailMap(cursor, false)).entrySet().iterator();
    Map<String, String> batch = new HashMap<>();
    for (int i = 0; i < count; i++) {
      if (!heroes.hasNext()) {
        heroes = presentHere.entrySet().iterator();
      }
      Map.Entry<String, Present> hero = heroes.next();
      cursor = hero.getKey();
      batch = add(batch, hero, sent);
    }
    flush(batch, sent);
  }

  private void sendAll(List<CompletableFuture<?>> sent) {
    Map<String, String> batch = new HashMap<>();
    for (Map.Entry<String, Present> hero : presentHere.entrySet()) {
      batch = add(batch, hero, sent);
    }
    flush(batch, sent);
  }

  private Map<String, String> add(
      Map<String, String> batch, Map.Entry<String, Present> hero, List<CompletableFuture<?>> sent) {
    batch.put(heroPrefix + hero.getKey(), hero.getValue().identity());
    if (batch.size() < reassert.batch()) {
      return batch;
    }
    flush(batch, sent);
    return new HashMap<>();
  }

  private void flush(Map<String, String> batch, List<CompletableFuture<?>> sent) {
    if (!batch.isEmpty()) {
      sent.add(async.mset(batch).toCompletableFuture());
    }
  }

  private static void awaitReplies(List<CompletableFuture<?>> sent, String what) {
    if (sent.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]))
          .get(REPLIES.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("history directory reassert ({}) not written: {}", what, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    }
  }

  @Override
  public void close() {
    ticks.shutdownNow();
  }

  /**
   * One kind of failed write, logged at most once per {@link #EVERY} with how many more there were:
   * while Redis is down every join and leave fails. Thread-safe: two atomics.
   */
  private static final class RateLimitedWarning {
    private static final long EVERY = Duration.ofSeconds(10).toNanos();

    private final String what;
    private final AtomicLong nextAt = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    RateLimitedWarning(String what) {
      this.what = what;
    }

    void log(String name, Throwable failure) {
      if (failure == null) {
        return;
      }
      long now = System.nanoTime();
      long due = nextAt.get();
      if (now - due < 0 || !nextAt.compareAndSet(due, now + EVERY)) {
        unlogged.incrementAndGet();
        return;
      }
      long more = unlogged.getAndSet(0);
      log.warn(
          "history directory: {} {} ({}){}, repaired by the reassert",
          name,
          what,
          failure.toString(),
          more == 0 ? "" : " and " + more + " more since the last warning");
    }
  }
}
