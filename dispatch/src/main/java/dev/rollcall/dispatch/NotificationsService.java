package dev.rollcall.dispatch;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.dispatch.history.NotificationHistory;
import dev.rollcall.dispatch.offers.HeroStatus;
import dev.rollcall.dispatch.offers.PresenceRoster;
import dev.rollcall.presence.Presence;
import dev.rollcall.pubsub.PubSub;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal sender: every interval, if this node is the {@link ActiveDispatcher}, picks one
 * present hero whose status is {@code available} at random and sends {@code "Message to <name> from
 * internal service"} to their personal topic, wherever in the cluster they are.
 *
 * <p>Ticks run on one scheduler thread of its own; {@link #start} and {@link #close} from any.
 */
public final class NotificationsService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationsService.class);

  private final Presence presence;
  private final PubSub pubSub;
  private final ActiveDispatcher active;
  private final Duration interval;
  private final DispatchMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private final NotificationHistory history;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          runnable ->
              Thread.ofPlatform().name("notifications-service").daemon().unstarted(runnable));

  public NotificationsService(
      Presence presence,
      PubSub pubSub,
      ActiveDispatcher active,
      Duration interval,
      DispatchMetrics metrics,
      Clock clock,
      RandomGenerator random) {
    this(presence, pubSub, active, interval, metrics, clock, random, null);
  }

  /** With {@code history} (null: none), the notifications it sends go on the direct stream. */
  public NotificationsService(
      Presence presence,
      PubSub pubSub,
      ActiveDispatcher active,
      Duration interval,
      DispatchMetrics metrics,
      Clock clock,
      RandomGenerator random,
      NotificationHistory history) {
    this.history = history;
    this.presence = presence;
    this.pubSub = pubSub;
    this.active = active;
    this.interval = interval;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
  }

  public void start() {
    long millis = interval.toMillis();
    scheduler.scheduleAtFixedRate(this::tickSafely, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule: log it and keep the service running.
      log.warn("dispatch failed: {}", e.toString());
    }
  }

  /** One interval's work; returns the hero it sent to, if any. */
  Optional<String> tick() {
    if (!active.isActive()) {
      return Optional.empty();
    }
    List<String> present =
        PresenceRoster.of(presence.list(NotificationsChannel.LOBBY)).heroes().entrySet().stream()
            .filter(hero -> hero.getValue().status() == HeroStatus.AVAILABLE)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    if (present.isEmpty()) {
      return Optional.empty();
    }
    String hero = present.get(random.nextInt(present.size()));
    String topic = NotificationsChannel.personalTopic(hero);
    var notification =
        new Notification(
            "Message to " + hero + " from internal service",
            clock.millis() / 1000,
            Notification.SERVICE);
    if (history == null
        || !history.sendDirect(
            hero,
            Notification.EVENT,
            notification.payload(),
            stamped ->
                pubSub.broadcast(topic, new Broadcast(topic, Notification.EVENT, stamped)))) {
      pubSub.broadcast(topic, new Broadcast(topic, Notification.EVENT, notification.payload()));
    }
    metrics.dispatched();
    log.info("dispatched to {} ({} present)", hero, present.size());
    return Optional.of(hero);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
