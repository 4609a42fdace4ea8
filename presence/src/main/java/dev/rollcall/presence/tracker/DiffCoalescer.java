package dev.rollcall.presence.tracker;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.pubsub.PubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the changes of a topic into {@code presence_diff} broadcasts to that topic's local
 * subscribers, gathering the changes of one window into one diff.
 *
 * <p>Threading: thread-safe. Changes of a topic are gathered under that topic's lock. With a zero
 * window the diff is sent at once, under that lock, so diffs of a topic keep their order; with a
 * window, one scheduler thread sends them, in order.
 *
 * <p>Within a window a leave drops a pending join of the same phx_ref but is still sent (a client
 * may have listed the presence meanwhile), and a join drops a pending leave of the same phx_ref;
 * phoenix.js ignores leaves of refs it does not hold and treats a repeated join as a no-op.
 *
 * <p>The window adapts to load: a topic whose next change comes within one window of its last diff
 * is in a burst (a join storm), so its next window is twice as long, up to {@code maxWindow}; once
 * a topic is quiet for a window, it is back to the base window. Each diff goes to every subscriber
 * of the topic, so a storm costs each client about storm length / maxWindow frames instead of storm
 * length / window, while a lone change still waits only the base window.
 */
final class DiffCoalescer {
  private static final Logger log = LoggerFactory.getLogger(DiffCoalescer.class);

  private static final class Pending {
    final LinkedHashMap<Object, KeyedMeta> joins = new LinkedHashMap<>();
    final LinkedHashMap<Object, KeyedMeta> leaves = new LinkedHashMap<>();
    boolean retired;
    long windowNanos;
  }

  /** When a topic last sent a diff, and the window that diff had. */
  private record Cadence(long sentAtNanos, long windowNanos) {}

  /**
   * Sends between sweeps of {@link #cadences}: amortized O(1), bounded by recently active topics.
   */
  private static final int SWEEP_EVERY = 1024;

  /** Runs a task after a delay (a scheduler thread in production, by hand in tests). */
  @FunctionalInterface
  interface Timer {
    void schedule(Runnable task, long delayNanos);

    static Timer of(ScheduledExecutorService scheduler) {
      return (task, delayNanos) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private final PubSub pubSub;
  private final long windowNanos;
  private final long maxWindowNanos;
  private final LongSupplier nanoTime;
  private final Timer scheduler;
  private final BiFunction<String, List<KeyedMeta>, Map<String, Map<String, Object>>> render;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Cadence> cadences = new ConcurrentHashMap<>();
  private final AtomicInteger sendsSinceSweep = new AtomicInteger();

  DiffCoalescer(
      PubSub pubSub,
      Duration window,
      Duration maxWindow,
      LongSupplier nanoTime,
      Timer scheduler,
      BiFunction<String, List<KeyedMeta>, Map<String, Map<String, Object>>> render) {
    this.pubSub = pubSub;
    this.windowNanos = window.toNanos();
    this.maxWindowNanos = windowNanos == 0 ? 0 : Math.max(windowNanos, maxWindow.toNanos());
    this.nanoTime = nanoTime;
    this.scheduler = scheduler;
    this.render = render;
  }

  /** The window a new diff of {@code topic} gets: doubled while the topic is in a burst. */
  private long windowFor(String topic) {
    Cadence last = cadences.get(topic);
    if (last == null || nanoTime.getAsLong() - last.sentAtNanos() > last.windowNanos()) {
      return windowNanos;
    }
    return Math.min(maxWindowNanos, last.windowNanos() * 2);
  }

  void add(String topic, List<KeyedMeta> joins, List<KeyedMeta> leaves) {
    while (true) {
      Pending diff = pending.computeIfAbsent(topic, t -> new Pending());
      synchronized (diff) {
        if (diff.retired) {
          continue;
        }
        boolean wasEmpty = diff.joins.isEmpty() && diff.leaves.isEmpty();
        for (KeyedMeta left : leaves) {
          Object ref = ref(left);
          diff.joins.remove(ref);
          diff.leaves.put(ref, left);
        }
        for (KeyedMeta joined : joins) {
          Object ref = ref(joined);
          diff.leaves.remove(ref);
          diff.joins.put(ref, joined);
        }
        if (windowNanos == 0) {
          send(topic, diff);
        } else if (wasEmpty) {
          diff.windowNanos = windowFor(topic);
          try {
            scheduler.schedule(() -> flush(topic), diff.windowNanos);
          } catch (RejectedExecutionException e) {
            // presence is closing: nobody is left to hear this diff
          }
        }
        return;
      }
    }
  }

  private void remember(String topic, long window) {
    long now = nanoTime.getAsLong();
    cadences.put(topic, new Cadence(now, window));
    if (sendsSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
      sendsSinceSweep.set(0);
      cadences.values().removeIf(c -> now - c.sentAtNanos() > maxWindowNanos * 2);
    }
  }

  private static Object ref(KeyedMeta presence) {
    Object ref = presence.meta().get(PresenceMeta.PHX_REF);
    return ref != null ? ref : presence;
  }

  private void flush(String topic) {
    Pending diff = pending.get(topic);
    if (diff == null) {
      return;
    }
    synchronized (diff) {
      send(topic, diff);
    }
  }

  /** Sends what {@code diff} gathered and retires it; the caller holds its lock. */
  private void send(String topic, Pending diff) {
    List<KeyedMeta> joins = new ArrayList<>(diff.joins.values());
    List<KeyedMeta> leaves = new ArrayList<>(diff.leaves.values());
    diff.joins.clear();
    diff.leaves.clear();
    diff.retired = true;
    pending.remove(topic, diff);
    if (joins.isEmpty() && leaves.isEmpty()) {
      return;
    }
    if (maxWindowNanos > windowNanos) {
      remember(topic, diff.windowNanos);
    }
    try {
      Map<String, Object> payload = new LinkedHashMap<>(2);
      payload.put("joins", render.apply(topic, joins));
      payload.put("leaves", render.apply(topic, leaves));
      pubSub.localBroadcast(topic, new Broadcast(topic, "presence_diff", payload));
    } catch (RuntimeException e) {
      log.warn("presence_diff on {} failed: {}", topic, e.toString());
    }
  }
}
