package dev.rollcall.pubsub.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named lease that at most one node of the cluster holds at a time: a Redis key with an expiry,
 * taken with "set if absent" and renewed by its holder (one Lua script does both). Used to run a
 * cluster-wide singleton, such as the dispatch app's internal notification service, without a
 * home-made election.
 *
 * <p>Failure behaviour: a holder that dies stops renewing, the key expires after {@code ttl}, and
 * another node takes it at its next attempt (every {@code ttl / 3}), so the singleton is missing
 * for at most {@code ttl + ttl / 3}. A holder believes it holds only until {@code ttl} minus a
 * margin after it <em>sent</em> its last successful renewal, which is before Redis can expire the
 * key, so two holders never overlap; and it lets go at once when its Redis connection drops (a
 * restarted Redis has lost the key). While Redis is unreachable for everyone, nobody holds it.
 *
 * <p>Thread-safe: renewed on its own thread; {@link #isHeld} from any thread.
 */
public final class RedisLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisLease.class);

  // KEYS[1] lease key, ARGV[1] holder id, ARGV[2] ttl in ms. 1 when the caller holds it now.
  private static final String TAKE_OR_RENEW =
      """
      local holder = redis.call('get', KEYS[1])
      if holder == ARGV[1] then
        redis.call('pexpire', KEYS[1], ARGV[2])
        return 1
      end
      if not holder then
        redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
      end
      return 0
      """;
  private static final String RELEASE =
      """
      if redis.call('get', KEYS[1]) == ARGV[1] then
        return redis.call('del', KEYS[1])
      end
      return 0
      """;

  private final RedisPubSub redis;
  private final String name;
  private final Duration ttl;
  private final byte[] key;
  private final byte[] holderId;
  private final byte[] ttlMillis;
  private final long trustNanos;
  private final ScheduledThreadPoolExecutor renewer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long heldUntilNanos; // 0: not held
  private boolean wasHeld; // renewer thread only, for one log line per change

  private RedisLease(RedisPubSub redis, String name, Duration ttl) {
    this.redis = redis;
    this.name = name;
    this.ttl = ttl;
    this.key = (redis.config().channelPrefix() + ":lease:" + name).getBytes(StandardCharsets.UTF_8);
    this.holderId =
        (redis.node() + "/" + Long.toHexString(redis.instance())).getBytes(StandardCharsets.UTF_8);
    this.ttlMillis = Long.toString(ttl.toMillis()).getBytes(StandardCharsets.UTF_8);
    // Trust a renewal for ttl minus 10%: covers the two clocks running at slightly different rates.
    this.trustNanos = ttl.toNanos() - ttl.toNanos() / 10;
    this.renewer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "rollcall-lease-" + name);
              thread.setDaemon(true);
              return thread;
            });
    renewer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Starts trying to take the lease {@code name} (a key {@code <prefix>:lease:<name>} in Redis) and
   * keeps renewing it while held.
   *
   * @param ttl how long a silent holder keeps the lease: the longest the singleton may be missing
   *     after its node dies (≥ 300 ms, so renewals every ttl/3 stay well apart)
   */
  public static RedisLease start(RedisPubSub redis, String name, Duration ttl) {
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ttl, "ttl");
    if (name.isBlank()) {
      throw new IllegalArgumentException("lease name must not be blank");
    }
    if (ttl.toMillis() < 300) {
      throw new IllegalArgumentException("lease ttl must be >= 300ms, was " + ttl);
    }
    var lease = new RedisLease(redis, name, ttl);
    redis.addHealthListener(
        health -> {
          if (health == RedisHealth.DOWN) {
            lease.heldUntilNanos = 0; // a restarted Redis has forgotten the key: let go at once
          }
        });
    redis.adopt(lease); // released when the RedisPubSub closes, if not before
    long period = Math.max(1, ttl.toMillis() / 3);
    lease.renewer.scheduleWithFixedDelay(lease::takeOrRenew, 0, period, TimeUnit.MILLISECONDS);
    return lease;
  }

  /** Whether this node holds the lease now. Cheap: reads a volatile. */
  public boolean isHeld() {
    long until = heldUntilNanos;
    return until != 0 && System.nanoTime() - until < 0;
  }

  public String name() {
    return name;
  }

  public Duration ttl() {
    return ttl;
  }

  private void takeOrRenew() {
    if (closed.get()) {
      return;
    }
    RedisScriptingAsyncCommands<byte[], byte[]> commands = redis.commands();
    if (commands != null) {
      long sentAt = System.nanoTime();
      try {
        Long result =
            commands
                .<Long>eval(
                    TAKE_OR_RENEW,
                    ScriptOutputType.INTEGER,
                    new byte[][] {key},
                    holderId,
                    ttlMillis)
                .get(ttl.toMillis() / 3, TimeUnit.MILLISECONDS);
        if (result != null && result == 1L && redis.health() == RedisHealth.UP) {
          heldUntilNanos = sentAt + trustNanos;
        } else {
          heldUntilNanos = 0;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // no answer: keep what we had, which runs out on its own
      }
    }
    boolean held = isHeld();
    if (held != wasHeld) {
      log.info(
          held ? "lease {}: node {} holds it" : "lease {}: node {} no longer holds it",
          name,
          redis.node());
      wasHeld = held;
    }
  }

  /**
   * Stops renewing and gives the lease back at once, so another node can take it. Also done by
   * {@link RedisPubSub#close()}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(2, TimeUnit.SECONDS); // a renewal in flight must not outlive close
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean held = isHeld();
    heldUntilNanos = 0;
    RedisScriptingAsyncCommands<byte[], byte[]> commands = redis.commands();
    if (held && commands != null) {
      try {
        commands
            .eval(RELEASE, ScriptOutputType.INTEGER, new byte[][] {key}, holderId)
            .get(1, TimeUnit.SECONDS);
        log.info("lease {}: node {} released it", name, redis.node());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // it expires by itself after ttl
      }
    }
  }
}
