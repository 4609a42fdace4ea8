package dev.rollcall.presence.tracker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a topic for many requesters at once: the first request of a topic schedules one snapshot
 * {@code delay} later, and every request made until that snapshot is taken gets the same {@link
 * ListedTopic} (one copy of the view and one encoding for all of them, instead of one per joiner).
 *
 * <p>Threading: thread-safe. Snapshots are taken, and requesters called, on the timer's thread,
 * which is presence's diff thread: a requester that pushes the list from its callback pushes it
 * before any {@code presence_diff} sent after the snapshot was taken. With a zero delay the list is
 * taken and the requester called at once, on the caller's thread.
 */
final class SharedListing {
  private static final Logger log = LoggerFactory.getLogger(SharedListing.class);

  /** The requesters of the snapshot a topic has scheduled and not yet taken. */
  private static final class Batch {
    final List<Consumer<Map<String, Map<String, Object>>>> requesters = new ArrayList<>();
    boolean taken;
  }

  private final long delayNanos;
  private final DiffCoalescer.Timer timer;
  private final Function<String, Map<String, Map<String, Object>>> list;
  private final ConcurrentHashMap<String, Batch> batches = new ConcurrentHashMap<>();

  /** {@code list} gives a fresh, unshared list of a topic (it is wrapped, not copied). */
  SharedListing(
      Duration delay,
      DiffCoalescer.Timer timer,
      Function<String, Map<String, Map<String, Object>>> list) {
    this.delayNanos = delay.toNanos();
    this.timer = timer;
    this.list = list;
  }

  /**
   * Calls {@code requester} once with a list of {@code topic} taken after this call (never an older
   * one), shared with the other requesters of the same window.
   */
  void request(String topic, Consumer<Map<String, Map<String, Object>>> requester) {
    if (delayNanos == 0) {
      requester.accept(new ListedTopic(list.apply(topic)));
      return;
    }
    while (true) {
      Batch batch = batches.computeIfAbsent(topic, t -> new Batch());
      synchronized (batch) {
        if (batch.taken) {
          continue; // taken meanwhile: its list may predate this call, so join the next one
        }
        boolean first = batch.requesters.isEmpty();
        batch.requesters.add(requester);
        if (first) {
          try {
            timer.schedule(() -> take(topic, batch), delayNanos);
          } catch (RejectedExecutionException e) {
            // presence is closing: nobody is left to list for
          }
        }
        return;
      }
    }
  }

  private void take(String topic, Batch batch) {
    List<Consumer<Map<String, Map<String, Object>>>> requesters;
    synchronized (batch) {
      batch.taken = true;
      batches.remove(topic, batch);
      requesters = List.copyOf(batch.requesters);
    }
    // Taken after every request of the batch was made: each requester's own changes and
    // subscription precede it.
    ListedTopic listed;
    try {
      listed = new ListedTopic(list.apply(topic));
    } catch (RuntimeException e) {
      log.warn("listing {} for {} joiners failed: {}", topic, requesters.size(), e.toString());
      return;
    }
    for (Consumer<Map<String, Map<String, Object>>> requester : requesters) {
      try {
        requester.accept(listed);
      } catch (RuntimeException e) {
        log.warn("a requester of {}'s list failed: {}", topic, e.toString());
      }
    }
  }
}
