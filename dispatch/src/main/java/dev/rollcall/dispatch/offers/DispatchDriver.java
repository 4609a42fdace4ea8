package dev.rollcall.dispatch.offers;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.dispatch.history.NotificationHistory;
import dev.rollcall.presence.Presence;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link DispatchCore} on the node that holds the dispatcher lease: feeds it hero requests
 * (over PubSub), presence changes of the lobby and its own deadlines, stores each new board before
 * acting on it, and carries out the effects. Every node runs one; only the active one drives. A
 * node that becomes active reads the store and resumes every open dispatch; one that stops being
 * active forgets its board (the store, written by whoever drives, is the truth).
 *
 * <p>Threading: everything but {@link #start} and {@link #close} runs on the driver's one thread.
 */
public final class DispatchDriver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatchDriver.class);

  /** How often the driver asks whether it should drive, and rereads presence as a safety net. */
  static final Duration TICK = Duration.ofMillis(200);

  /**
   * A look at presence lists the whole lobby (O(N)); after one that took t, the next waits 4t, so
   * the driver spends at most a fifth of a core on them however fast diffs come. Before, a lobby
   * growing to 27 000 heroes kept the driver's thread busy all the time on the driving node (60 %
   * of its CPU samples). A small lobby looks within a millisecond or two, as before.
   */
  static final int SYNC_SPACING = 4;

  /** How long a status the driver set wins over presence that has not caught up yet. */
  static final Duration STATUS_SETTLE = Duration.ofSeconds(3);

  private final DispatchCore core;
  private final DispatchStore store;
  private final PubSub pubSub;
  private final Presence presence;
  private final String lobby;
  private final BooleanSupplier active;
  private final Consumer<DispatchEffect.Counted> outcomes;
  private final Clock clock;
  private final RandomGenerator random;
  private volatile NotificationHistory directStream;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> Thread.ofPlatform().name("dispatch-driver").daemon().unstarted(runnable));
  private final Subscriber requests = this::request;
  private final Subscriber lobbyEvents = this::lobbyEvent;

  // Driver thread only.
  private volatile DispatchBoard board; // null: not driving; volatile for isDriving
  private PresenceRoster roster = PresenceRoster.empty();
  private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
  private final Map<String, SetBy> statusesSet = new HashMap<>();
  private boolean rosterSyncQueued;
  private long nextSyncNanos = System.nanoTime();

  private record SetBy(HeroStatus status, long at) {}

  public DispatchDriver(
      DispatchCore core,
      DispatchStore store,
      PubSub pubSub,
      Presence presence,
      String lobby,
      BooleanSupplier active,
      Consumer<DispatchEffect.Counted> outcomes,
      Clock clock,
      RandomGenerator random) {
    this.core = core;
    this.store = store;
    this.pubSub = pubSub;
    this.presence = presence;
    this.lobby = lobby;
    this.active = active;
    this.outcomes = outcomes;
    this.clock = clock;
    this.random = random;
  }

  public void start() {
    pubSub.subscribe(DispatchWire.REQUESTS, requests);
    pubSub.subscribe(lobby, lobbyEvents);
    thread.scheduleWithFixedDelay(
        () -> safely(this::tick), 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether this node drives dispatches right now (for health and tests). */
  public boolean isDriving() {
    return board != null;
  }

  private void tick() {
    boolean shouldDrive = active.getAsBoolean();
    if (shouldDrive && board == null) {
      takeOver();
    } else if (!shouldDrive && board != null) {
      log.info("no longer driving dispatches");
      board = null;
      timers.values().forEach(t -> t.cancel(false));
      timers.clear();
      statusesSet.clear();
    } else if (board != null && System.nanoTime() - nextSyncNanos >= 0) {
      syncRoster();
    }
  }

  private void takeOver() {
    DispatchBoard stored = DispatchBoard.of(store.load());
    roster = PresenceRoster.of(presence.list(lobby));
    board = stored;
    try {
      run(new DispatchEvent.Resumed(roster.statuses(), clock.millis()));
    } catch (RuntimeException e) {
      board = null; // not stored: try again at the next tick
      throw e;
    }
    log.info(
        "driving dispatches: resumed {} from the store, {} heroes present",
        stored.dispatches().size(),
        roster.heroes().size());
  }

  private void lobbyEvent(Delivery delivery) {
    if (delivery.message() instanceof Broadcast broadcast
        && broadcast.event().equals("presence_diff")) {
      thread.execute(
          () -> {
            // One reread for a burst of diffs, no sooner than the spacing allows.
            if (!rosterSyncQueued) {
              rosterSyncQueued = true;
              thread.schedule(
                  () -> {
                    rosterSyncQueued = false;
                    safely(this::syncRoster);
                  },
                  Math.max(0, nextSyncNanos - System.nanoTime()),
                  TimeUnit.NANOSECONDS);
            }
          });
    }
  }

  /** Turns what changed in presence since the last look into joins, leaves and status changes. */
  private void syncRoster() {
    if (board == null) {
      return;
    }
    long start = System.nanoTime();
    PresenceRoster now = PresenceRoster.of(presence.list(lobby));
    PresenceRoster before = roster;
    roster = now;
    try {
      applyRoster(before, now);
    } catch (RuntimeException e) {
      // Not stored: compare with the old roster again next time (the events are idempotent).
      roster = before;
      throw e;
    } finally {
      long end = System.nanoTime();
      nextSyncNanos = end + SYNC_SPACING * (end - start);
    }
  }

  /**
   * The changes go to the core as one batch: one copy of the board per look at presence, not one
   * per hero that joined since (O(N) each: a ramp of joins was O(N²) here). A status compared with
   * the board before the batch is at worst a {@code StatusChanged} the core finds already true.
   */
  private void applyRoster(PresenceRoster before, PresenceRoster now) {
    long millis = clock.millis();
    List<DispatchEvent> changes = new ArrayList<>();
    for (String hero : before.heroes().keySet()) {
      if (!now.heroes().containsKey(hero)) {
        statusesSet.remove(hero);
        changes.add(new DispatchEvent.HeroLeft(hero, millis));
      }
    }
    for (var entry : now.heroes().entrySet()) {
      String hero = entry.getKey();
      HeroStatus status = settled(hero, entry.getValue().status(), millis);
      if (!before.heroes().containsKey(hero) || now.connectedAgain(hero, before)) {
        changes.add(new DispatchEvent.HeroJoined(hero, status, millis));
      } else if (board.heroes().get(hero) != status) {
        changes.add(new DispatchEvent.StatusChanged(hero, status, millis));
      }
    }
    if (!changes.isEmpty()) {
      carryOut(core.applyAll(board, changes, random), millis);
    }
  }

  /**
   * The status the driver set a moment ago wins over presence until presence shows it (or a while
   * passes): otherwise a hero who just accepted would look available and get another offer.
   */
  private HeroStatus settled(String hero, HeroStatus shown, long now) {
    SetBy set = statusesSet.get(hero);
    if (set == null) {
      return shown;
    }
    if (set.status() == shown || now - set.at() > STATUS_SETTLE.toMillis()) {
      statusesSet.remove(hero);
      return shown;
    }
    return set.status();
  }

  private void request(Delivery delivery) {
    if (!(delivery.message() instanceof Broadcast request)
        || !(request.payload() instanceof Map<?, ?> payload)) {
      return;
    }
    thread.execute(() -> safely(() -> answer(request.event(), payload)));
  }

  private void answer(String kind, Map<?, ?> payload) {
    if (board == null
        || !(payload.get("ref") instanceof String ref)
        || !(payload.get("node") instanceof String node)
        || !(payload.get("hero") instanceof String hero)) {
      return; // not driving (the driver answers), or not a request a node sent
    }
    String id = payload.get("id") instanceof String text ? text : "";
    long now = clock.millis();
    DispatchEvent event =
        switch (kind) {
          case "report" ->
              new DispatchEvent.Reported(
                  id, payload.get("body") instanceof String body ? body : "", hero, now);
          case "accept" -> new DispatchEvent.Accepted(id, hero, now);
          case "decline" -> new DispatchEvent.Declined(id, hero, now);
          case "resolve" -> new DispatchEvent.Resolved(id, hero, now);
          default -> null;
        };
    Answer answer = event == null ? Answer.refused("unknown_event") : runOrRefuse(event);
    pubSub.directBroadcast(
        node,
        DispatchWire.REPLIES,
        new Broadcast(DispatchWire.REPLIES, "reply", DriverRequests.encode(ref, answer)));
  }

  private Answer runOrRefuse(DispatchEvent event) {
    try {
      return run(event);
    } catch (RuntimeException e) {
      log.warn(
          "dispatch store failed, {} not applied: {}",
          event.getClass().getSimpleName(),
          e.toString());
      return Answer.refused(DispatchWire.UNAVAILABLE);
    }
  }

  /** One transition: stored first, then told; the board moves on only once it is stored. */
  private Answer run(DispatchEvent event) {
    return carryOut(core.apply(board, event, random), event.now());
  }

  private Answer carryOut(DispatchCore.Transition t, long now) {
    List<Dispatch> changed = new ArrayList<>();
    List<String> forgotten = new ArrayList<>();
    for (DispatchEffect effect : t.effects()) {
      if (effect instanceof DispatchEffect.Changed c) {
        changed.add(c.dispatch());
      } else if (effect instanceof DispatchEffect.Forgotten f) {
        forgotten.add(f.id());
      }
    }
    store.apply(changed, forgotten);
    board = t.board();
    for (DispatchEffect effect : t.effects()) {
      switch (effect) {
        case DispatchEffect.Offer offer ->
            toHero(offer.hero(), DispatchWire.OFFER, offer.dispatch().offerPayload());
        case DispatchEffect.Changed c -> {
          if (c.announce()) {
            pubSub.broadcast(
                lobby, new Broadcast(lobby, DispatchWire.UPDATE, c.dispatch().payload()));
          }
        }
        case DispatchEffect.Forgotten f -> {}
        case DispatchEffect.SetStatus s -> {
          statusesSet.put(s.hero(), new SetBy(s.status(), now));
          toHero(s.hero(), DispatchWire.SET_STATUS, Map.of(HeroStatus.META_KEY, s.status().wire()));
        }
        case DispatchEffect.Schedule s -> schedule(s);
        case DispatchEffect.Counted c -> outcomes.accept(c);
      }
    }
    return t.answer();
  }

  private void schedule(DispatchEffect.Schedule deadline) {
    long delay = Math.max(0, deadline.at() - clock.millis());
    ScheduledFuture<?> previous =
        timers.put(
            deadline.id(),
            thread.schedule(
                () ->
                    safely(
                        () -> {
                          if (board != null) {
                            // The timer says the time has come, even if the wall clock
                            // reads a millisecond short of it.
                            long now = Math.max(clock.millis(), deadline.at());
                            run(new DispatchEvent.TimedOut(deadline.id(), deadline.at(), now));
                          }
                        }),
                delay,
                TimeUnit.MILLISECONDS));
    if (previous != null) {
      previous.cancel(false); // one deadline per dispatch: a newer one replaces it
    }
  }

  private void toHero(String hero, String event, Map<String, Object> payload) {
    String topic = "notifications:" + hero;
    NotificationHistory history = directStream;
    if (history != null
        && event.equals(DispatchWire.OFFER)
        && history.sendDirect(
            hero,
            event,
            payload,
            stamped -> pubSub.broadcast(topic, new Broadcast(topic, event, stamped)))) {
      return;
    }
    pubSub.broadcast(topic, new Broadcast(topic, event, payload));
  }

  /**
   * Offers go on the hero's direct stream from now on, so one still open when the hero reconnects
   * is delivered again by the replay. Call before {@link #start}.
   */
  public void sendDirectThrough(NotificationHistory history) {
    this.directStream = history;
  }

  private void safely(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      // A store outage must not stop the driver: the next tick or request tries again.
      log.warn("dispatch driver: {}", e.toString());
    }
  }

  @Override
  public void close() {
    pubSub.unsubscribe(DispatchWire.REQUESTS, requests);
    pubSub.unsubscribe(lobby, lobbyEvents);
    thread.shutdownNow();
  }
}
