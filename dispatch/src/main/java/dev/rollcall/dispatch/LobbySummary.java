package dev.rollcall.dispatch;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.Reply;
import dev.rollcall.dispatch.offers.HeroStatus;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceCount;
import dev.rollcall.presence.PresenceGroups;
import dev.rollcall.presence.PresencePage;
import dev.rollcall.pubsub.PubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lobby's presence for summary-mode heroes: {@code presence_count} once after their join, then
 * at most once an {@link #interval} while it changes, and {@code list_presences} pages. A count is
 * O(1): presence keeps it as changes arrive ({@link Presence#count}), grouped by the heroes' status
 * ({@link #GROUPS}). The periodic count is one local broadcast on the lobby topic, encoded once per
 * node for every summary channel; full-mode channels skip it, and summary channels skip {@code
 * presence_diff} ({@link ChannelSocket#skipBroadcasts}), so neither sees the other's frames. The
 * interval is the period while the node's summary heroes are few, and grows with them so that the
 * node writes at most {@link #FRAMES_PER_SECOND} count frames a second (docs/presence.md).
 *
 * <p>Threading: thread-safe; the periodic count runs on a scheduler thread of its own, the rest on
 * the calling channel's thread; the summary heroes are an atomic count.
 */
public final class LobbySummary implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LobbySummary.class);

  public static final String COUNT_EVENT = "presence_count";
  public static final String LIST_EVENT = "list_presences";
  public static final Duration PERIOD = Duration.ofSeconds(1);

  /**
   * The default of the most {@code presence_count} frames one node writes a second while the lobby
   * changes ({@code --presence-count-rate}): each is a write to one socket, and a client reads it,
   * so 100 000 summary heroes counted once a second are 100 000 writes and reads a second. Chosen
   * by measurement (docs/presence.md).
   */
  public static final int FRAMES_PER_SECOND = 5_000;

  // Shared by every channel of a mode rather than a set per hero.
  private static final Set<String> SKIPPED_IN_SUMMARY = Set.of("presence_diff");
  private static final Set<String> SKIPPED_IN_FULL = Set.of(COUNT_EVENT);

  /** A hero is busy if any tab says so, else off duty if any does, else available. */
  public static final PresenceGroups GROUPS =
      new PresenceGroups(
          HeroStatus.META_KEY,
          List.of(HeroStatus.BUSY.wire(), HeroStatus.OFF_DUTY.wire(), HeroStatus.AVAILABLE.wire()));

  private final Presence presence;
  private final PubSub pubSub;
  private final String topic;
  private final ScheduledExecutorService scheduler;
  private final Duration period;
  private final int framesPerSecond;

  /** Summary heroes joined on this node. */
  private final AtomicInteger summaryHeroes = new AtomicInteger();

  /** The last count broadcast; only the scheduler thread touches it. */
  private PresenceCount lastSent;

  private LobbySummary(
      Presence presence, PubSub pubSub, String topic, Duration period, int framesPerSecond) {
    if (period.toMillis() <= 0 || framesPerSecond <= 0) {
      throw new IllegalArgumentException(
          "the period and the frames per second must be positive: "
              + period
              + ", "
              + framesPerSecond);
    }
    this.presence = presence;
    this.pubSub = pubSub;
    this.topic = topic;
    this.period = period;
    this.framesPerSecond = framesPerSecond;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("rollcall-lobby-summary").unstarted(r));
    // Each tick schedules the next, after its delay: after a stall the counts do not catch up in
    // a burst.
    scheduler.schedule(this::tick, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts the periodic count of {@code topic} with at most {@link #FRAMES_PER_SECOND} frames a
   * second; {@code presence} must count by {@link #GROUPS}.
   */
  public static LobbySummary start(
      Presence presence, PubSub pubSub, String topic, Duration period) {
    return start(presence, pubSub, topic, period, FRAMES_PER_SECOND);
  }

  /**
   * Starts the periodic count of {@code topic}, at most {@code framesPerSecond} frames a second.
   */
  public static LobbySummary start(
      Presence presence, PubSub pubSub, String topic, Duration period, int framesPerSecond) {
    return new LobbySummary(presence, pubSub, topic, period, framesPerSecond);
  }

  /**
   * How long after one periodic count the next may go, for {@code summaryHeroes} on the node: the
   * period while they are at most {@code framesPerSecond} × period, else long enough that every one
   * of them gets one frame within it and the node writes at most {@code framesPerSecond} a second
   * (rounded up to a millisecond). Never shorter than the period, never shorter for more heroes.
   */
  static Duration interval(int summaryHeroes, Duration period, int framesPerSecond) {
    long spread = Math.ceilDiv(Math.max(0L, summaryHeroes) * 1000L, framesPerSecond);
    return Duration.ofMillis(Math.max(period.toMillis(), spread));
  }

  /**
   * Called from the join of {@code socket}: which broadcasts of the lobby it skips, set before it
   * could receive one.
   */
  void joined(PresenceMode mode, ChannelSocket socket) {
    socket.skipBroadcasts(mode == PresenceMode.SUMMARY ? SKIPPED_IN_SUMMARY : SKIPPED_IN_FULL);
  }

  /** Called once a summary join is tracked; {@link #untracked} when its channel has ended. */
  void tracked() {
    summaryHeroes.incrementAndGet();
  }

  void untracked() {
    summaryHeroes.decrementAndGet();
  }

  /** Summary heroes on this node now. */
  int summaryHeroes() {
    return summaryHeroes.get();
  }

  /** What a summary join's reply adds: the mode and the lobby's size at the join. */
  Map<String, Object> joinReply(Map<String, Object> reply) {
    Map<String, Object> merged = new LinkedHashMap<>(reply);
    merged.put("presence_mode", PresenceMode.SUMMARY.wire());
    merged.put("lobby_size", presence.count(topic).count());
    return merged;
  }

  /** The count now, as {@code presence_count} carries it. */
  Map<String, Object> countPayload() {
    return payload(presence.count(topic));
  }

  /** Answers a {@code list_presences} push. */
  Reply list(Object payload) {
    return switch (PresenceListRequest.check(payload)) {
      case PresenceListRequest.Invalid invalid -> Reply.error(invalid.reason());
      case PresenceListRequest.Valid valid -> {
        PresencePage page = presence.page(topic, valid.query());
        List<Object> entries = new ArrayList<>(page.entries().size());
        for (PresencePage.Entry entry : page.entries()) {
          Map<String, Object> shown = new LinkedHashMap<>(2);
          shown.put("key", entry.key());
          shown.put("metas", entry.metas());
          entries.add(shown);
        }
        Map<String, Object> reply = new LinkedHashMap<>(2);
        reply.put("entries", entries);
        reply.put("next", page.next());
        yield Reply.ok(reply);
      }
    };
  }

  /**
   * Sends the count if it changed; the next look is a period later, or an interval after a send.
   */
  private void tick() {
    Duration next = period;
    try {
      PresenceCount count = presence.count(topic);
      if (!count.equals(lastSent)) {
        lastSent = count;
        pubSub.localBroadcast(topic, new Broadcast(topic, COUNT_EVENT, payload(count)));
        next = interval(summaryHeroes.get(), period, framesPerSecond);
      }
    } catch (RuntimeException e) {
      log.warn("presence_count on {} failed: {}", topic, e.toString());
    } finally {
      if (!scheduler.isShutdown()) {
        scheduler.schedule(this::tick, next.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** {@code {"count": n, "by_status": {"available": n, "busy": n, "off_duty": n}}}. */
  static Map<String, Object> payload(PresenceCount count) {
    Map<String, Object> byStatus = new LinkedHashMap<>();
    for (HeroStatus status : Arrays.asList(HeroStatus.values())) {
      byStatus.put(status.wire(), count.groups().getOrDefault(status.wire(), 0));
    }
    Map<String, Object> payload = new LinkedHashMap<>(2);
    payload.put("count", count.count());
    payload.put("by_status", byStatus);
    return payload;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
