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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lobby's presence for summary-mode heroes: {@code presence_count} once after their join, then
 * at most once a {@code period} while it changes, and {@code list_presences} pages. A count is
 * O(1): presence keeps it as changes arrive ({@link Presence#count}), grouped by the heroes' status
 * ({@link #GROUPS}). The periodic count is one local broadcast on the lobby topic, encoded once per
 * node for every summary channel; full-mode channels skip it, and summary channels skip {@code
 * presence_diff} ({@link ChannelSocket#skipBroadcasts}), so neither sees the other's frames.
 *
 * <p>Threading: thread-safe; the periodic count runs on a scheduler thread of its own, the rest on
 * the calling channel's thread.
 */
public final class LobbySummary implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LobbySummary.class);

  public static final String COUNT_EVENT = "presence_count";
  public static final String LIST_EVENT = "list_presences";
  public static final Duration PERIOD = Duration.ofSeconds(1);

  /** A hero is busy if any tab says so, else off duty if any does, else available. */
  public static final PresenceGroups GROUPS =
      new PresenceGroups(
          HeroStatus.META_KEY,
          List.of(HeroStatus.BUSY.wire(), HeroStatus.OFF_DUTY.wire(), HeroStatus.AVAILABLE.wire()));

  private final Presence presence;
  private final PubSub pubSub;
  private final String topic;
  private final ScheduledExecutorService scheduler;

  /** The last count broadcast; only the scheduler thread touches it. */
  private PresenceCount lastSent;

  private LobbySummary(Presence presence, PubSub pubSub, String topic, Duration period) {
    this.presence = presence;
    this.pubSub = pubSub;
    this.topic = topic;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("rollcall-lobby-summary").unstarted(r));
    long millis = period.toMillis();
    // Fixed delay, not rate: after a stall the counts do not catch up in a burst.
    scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Starts the periodic count of {@code topic}; {@code presence} must count by {@link #GROUPS}. */
  public static LobbySummary start(
      Presence presence, PubSub pubSub, String topic, Duration period) {
    return new LobbySummary(presence, pubSub, topic, period);
  }

  /**
   * Called from the join of {@code socket}: which broadcasts of the lobby it skips, set before it
   * could receive one.
   */
  void joined(PresenceMode mode, ChannelSocket socket) {
    socket.skipBroadcasts(Set.of(mode == PresenceMode.SUMMARY ? "presence_diff" : COUNT_EVENT));
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

  private void tick() {
    try {
      PresenceCount count = presence.count(topic);
      if (count.equals(lastSent)) {
        return;
      }
      lastSent = count;
      pubSub.localBroadcast(topic, new Broadcast(topic, COUNT_EVENT, payload(count)));
    } catch (RuntimeException e) {
      log.warn("presence_count on {} failed: {}", topic, e.toString());
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
