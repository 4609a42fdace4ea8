package dev.rollcall.dispatch.offers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.dispatch.offers.DispatchCore.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of what heroes, clocks and drivers do, against the dispatch invariants: at most
 * one hero holds each dispatch, no hero holds two offers, every open dispatch is offered, assigned
 * or unassigned only while nobody is eligible, nothing is dropped, and an accept succeeds only for
 * the hero the dispatch was offered to, once.
 */
class DispatchCorePropertiesTest {
  private static final List<String> HEROES = List.of("Storm", "Rogue", "Bishop", "Gambit", "Cable");
  private static final OfferRules RULES =
      new OfferRules(Duration.ofMillis(1000), Duration.ofMillis(3000), 3);

  sealed interface Action {}

  record Report() implements Action {}

  /** {@code hero} -1: whoever it is offered to. */
  record Accept(int hero, int dispatch) implements Action {}

  record Decline(int hero, int dispatch) implements Action {}

  record Resolve(int hero, int dispatch) implements Action {}

  record Fire(int timer) implements Action {}

  record Join(int hero) implements Action {}

  record Leave(int hero) implements Action {}

  record SetStatus(int hero, HeroStatus status) implements Action {}

  record Failover() implements Action {}

  record Wait(int millis) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> hero = Arbitraries.integers().between(0, HEROES.size() - 1);
    Arbitrary<Integer> anyHero = Arbitraries.integers().between(-1, HEROES.size() - 1);
    Arbitrary<Integer> dispatch = Arbitraries.integers().between(0, 12);
    Arbitrary<Action> action =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.just(new Report())),
            net.jqwik.api.Tuple.of(
                5, Combinators.combine(anyHero, dispatch).as((h, d) -> (Action) new Accept(h, d))),
            net.jqwik.api.Tuple.of(
                3, Combinators.combine(anyHero, dispatch).as((h, d) -> (Action) new Decline(h, d))),
            net.jqwik.api.Tuple.of(
                3, Combinators.combine(anyHero, dispatch).as((h, d) -> (Action) new Resolve(h, d))),
            net.jqwik.api.Tuple.of(
                3, Arbitraries.integers().between(0, 20).map(t -> (Action) new Fire(t))),
            net.jqwik.api.Tuple.of(3, hero.map(h -> (Action) new Join(h))),
            net.jqwik.api.Tuple.of(2, hero.map(h -> (Action) new Leave(h))),
            net.jqwik.api.Tuple.of(
                3,
                Combinators.combine(hero, Arbitraries.of(HeroStatus.class))
                    .as((h, s) -> (Action) new SetStatus(h, s))),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Failover())),
            net.jqwik.api.Tuple.of(
                2, Arbitraries.integers().between(1, 4000).map(m -> (Action) new Wait(m))));
    return action.list().ofMinSize(1).ofMaxSize(80);
  }

  /** The world around one driver: presence, the store, the timers, the clock. */
  private static final class World {
    final DispatchCore core = new DispatchCore(RULES);
    final Random random;
    DispatchBoard board = DispatchBoard.empty();
    final Map<String, HeroStatus> presence = new TreeMap<>();
    final Map<String, String> store = new HashMap<>();
    final List<DispatchEffect.Schedule> timers = new ArrayList<>();
    final List<String> reported = new ArrayList<>();
    final Set<String> forgotten = new HashSet<>();
    long now = 1_000_000;

    World(long seed) {
      random = new Random(seed);
    }

    Transition run(DispatchEvent event) {
      Transition t = core.apply(board, event, random);
      board = t.board();
      for (DispatchEffect effect : t.effects()) {
        switch (effect) {
          case DispatchEffect.Changed c ->
              store.put(c.dispatch().id(), DispatchJson.write(c.dispatch()));
          case DispatchEffect.Forgotten f -> {
            store.remove(f.id());
            forgotten.add(f.id());
          }
          case DispatchEffect.Schedule s -> timers.add(s);
          case DispatchEffect.SetStatus s ->
              presence.computeIfPresent(s.hero(), (h, old) -> s.status());
          case DispatchEffect.Offer o -> assertThat(o.hero()).isEqualTo(o.dispatch().hero());
          case DispatchEffect.Counted c -> {}
        }
      }
      return t;
    }

    String id(int index) {
      return index < reported.size() ? reported.get(index) : "unknown-" + index;
    }
  }

  @Property(tries = 400)
  void dispatchInvariantsHold(@ForAll("actions") List<Action> actions, @ForAll long seed) {
    var world = new World(seed);
    int reports = 0;
    for (Action action : actions) {
      Map<String, Dispatch> before = world.board.dispatches();
      switch (action) {
        case Report r -> {
          String id = "d" + reports++;
          world.reported.add(id);
          var t = world.run(new DispatchEvent.Reported(id, "fire at " + id, "Storm", world.now));
          assertThat(t.answer()).isEqualTo(new Answer.Ok(Map.of("id", id)));
        }
        case Accept a -> {
          String id = world.id(a.dispatch());
          String hero = heroFor(a.hero(), before.get(id));
          Dispatch was = before.get(id);
          var t = world.run(new DispatchEvent.Accepted(id, hero, world.now));
          boolean mayAccept =
              was != null
                  && was.state() == DispatchState.OFFERED
                  && was.hero().equals(hero)
                  && world.now < was.deadline();
          assertThat(t.answer() instanceof Answer.Ok)
              .as("accept ok iff offered to them")
              .isEqualTo(mayAccept);
          if (mayAccept) {
            Dispatch now = world.board.dispatches().get(id);
            assertThat(now.state()).isEqualTo(DispatchState.ASSIGNED);
            assertThat(now.hero()).isEqualTo(hero);
            // The same accept again, as a retry or a race, never assigns twice.
            var again = world.run(new DispatchEvent.Accepted(id, hero, world.now));
            assertThat(again.answer()).isInstanceOf(Answer.Refused.class);
            assertThat(world.board.dispatches().get(id)).isEqualTo(now);
          } else {
            assertThat(t.answer()).isInstanceOf(Answer.Refused.class);
          }
        }
        case Decline d -> {
          String id = world.id(d.dispatch());
          Dispatch was = before.get(id);
          String hero = heroFor(d.hero(), was);
          var t = world.run(new DispatchEvent.Declined(id, hero, world.now));
          if (t.answer() instanceof Answer.Ok) {
            Dispatch now = world.board.dispatches().get(id);
            assertThat(now.hero()).isNotEqualTo(hero);
          }
        }
        case Resolve r -> {
          String id = world.id(r.dispatch());
          Dispatch was = before.get(id);
          String hero = heroFor(r.hero(), was);
          var t = world.run(new DispatchEvent.Resolved(id, hero, world.now));
          boolean mayResolve =
              was != null && was.state() == DispatchState.ASSIGNED && was.hero().equals(hero);
          assertThat(t.answer() instanceof Answer.Ok).isEqualTo(mayResolve);
        }
        case Fire f -> {
          if (!world.timers.isEmpty()) {
            var timer = world.timers.remove(f.timer() % world.timers.size());
            world.now = Math.max(world.now, timer.at());
            world.run(new DispatchEvent.TimedOut(timer.id(), timer.at(), world.now));
          }
        }
        case Join j -> {
          String hero = HEROES.get(j.hero());
          world.presence.put(hero, HeroStatus.AVAILABLE);
          world.run(new DispatchEvent.HeroJoined(hero, HeroStatus.AVAILABLE, world.now));
        }
        case Leave l -> {
          String hero = HEROES.get(l.hero());
          if (world.presence.remove(hero) != null) {
            world.run(new DispatchEvent.HeroLeft(hero, world.now));
          }
        }
        case SetStatus s -> {
          String hero = HEROES.get(s.hero());
          if (world.presence.containsKey(hero)) {
            world.presence.put(hero, s.status());
            world.run(new DispatchEvent.StatusChanged(hero, s.status(), world.now));
          }
        }
        case Failover f -> {
          // The driver dies with its timers; the next one has only what the store holds.
          world.timers.clear();
          world.board =
              DispatchBoard.of(world.store.values().stream().map(DispatchJson::read).toList());
          world.run(new DispatchEvent.Resumed(world.presence, world.now));
        }
        case Wait w -> world.now += w.millis();
      }
      checkInvariants(world);
    }
  }

  private static String heroFor(int index, Dispatch dispatch) {
    if (index >= 0) {
      return HEROES.get(index);
    }
    return dispatch != null && dispatch.hero() != null ? dispatch.hero() : HEROES.get(0);
  }

  private static void checkInvariants(World world) {
    DispatchBoard board = world.board;
    assertThat(board.heroes()).as("the core sees presence as it is").isEqualTo(world.presence);
    Map<String, Integer> offersHeld = new HashMap<>();
    for (Dispatch d : board.dispatches().values()) {
      switch (d.state()) {
        case OFFERED -> {
          offersHeld.merge(d.hero(), 1, Integer::sum);
          assertThat(world.presence).as("offered to someone present").containsKey(d.hero());
          assertThat(world.timers)
              .as("an offer always expires")
              .contains(new DispatchEffect.Schedule(d.id(), d.deadline()));
        }
        case ASSIGNED -> {
          if (!world.presence.containsKey(d.hero())) {
            assertThat(d.deadline()).as("a gone holder's deadline").isPositive();
            assertThat(world.timers).contains(new DispatchEffect.Schedule(d.id(), d.deadline()));
          }
        }
        case UNASSIGNED -> {
          for (var hero : board.heroes().entrySet()) {
            boolean eligible =
                hero.getValue() == HeroStatus.AVAILABLE
                    && !offersHeld.containsKey(hero.getKey())
                    && board.dispatches().values().stream()
                        .noneMatch(
                            o ->
                                o.state() == DispatchState.OFFERED
                                    && o.hero().equals(hero.getKey()))
                    && !d.offeredTo().contains(hero.getKey());
            assertThat(eligible)
                .as("%s unassigned while %s is eligible", d.id(), hero.getKey())
                .isFalse();
          }
        }
        case RESOLVED -> assertThat(d.hero()).isNull();
      }
    }
    assertThat(offersHeld.values()).as("no hero holds two offers").allMatch(n -> n == 1);
    for (String id : world.reported) {
      assertThat(board.dispatches().containsKey(id) || world.forgotten.contains(id))
          .as("%s is on the board or was resolved and fell off it", id)
          .isTrue();
    }
    assertThat(world.store.keySet())
        .as("every change is stored")
        .isEqualTo(board.dispatches().keySet());
    for (Dispatch d : board.dispatches().values()) {
      assertThat(DispatchJson.read(world.store.get(d.id()))).isEqualTo(d);
    }
  }

  @Provide
  Arbitrary<List<DispatchEvent>> events() {
    Arbitrary<String> hero = Arbitraries.of(HEROES);
    Arbitrary<String> id = Arbitraries.integers().between(0, 5).map(i -> "d" + i);
    Arbitrary<Long> at = Arbitraries.longs().between(1_000_000, 1_020_000);
    Arbitrary<DispatchEvent> event =
        Arbitraries.oneOf(
            Combinators.combine(id, hero, at)
                .as((i, h, t) -> (DispatchEvent) new DispatchEvent.Reported(i, "fire", h, t)),
            Combinators.combine(id, hero, at)
                .as((i, h, t) -> (DispatchEvent) new DispatchEvent.Accepted(i, h, t)),
            Combinators.combine(id, hero, at)
                .as((i, h, t) -> (DispatchEvent) new DispatchEvent.Declined(i, h, t)),
            Combinators.combine(id, hero, at)
                .as((i, h, t) -> (DispatchEvent) new DispatchEvent.Resolved(i, h, t)),
            Combinators.combine(id, at)
                .as((i, t) -> (DispatchEvent) new DispatchEvent.TimedOut(i, t - 1000, t)),
            Combinators.combine(hero, Arbitraries.of(HeroStatus.class), at)
                .as((h, s, t) -> (DispatchEvent) new DispatchEvent.HeroJoined(h, s, t)),
            Combinators.combine(hero, at)
                .as((h, t) -> (DispatchEvent) new DispatchEvent.HeroLeft(h, t)),
            Combinators.combine(hero, Arbitraries.of(HeroStatus.class), at)
                .as((h, s, t) -> (DispatchEvent) new DispatchEvent.StatusChanged(h, s, t)));
    return event.list().ofMinSize(1).ofMaxSize(60);
  }

  /**
   * The driver applies a burst of roster changes as one batch: that must be exactly the events one
   * by one (same boards, same effects in the same order, same last answer), wherever the batches
   * are cut.
   */
  @Property(tries = 400)
  void aBatchOfEventsIsTheEventsOneByOne(
      @ForAll("events") List<DispatchEvent> events,
      @ForAll("cuts") List<Integer> cuts,
      @ForAll long seed) {
    DispatchCore core = new DispatchCore(RULES);
    Random one = new Random(seed);
    Random batched = new Random(seed);
    DispatchBoard single = DispatchBoard.empty();
    DispatchBoard batch = DispatchBoard.empty();
    List<Integer> sizes = new ArrayList<>(cuts);
    sizes.add(events.size()); // the rest
    int from = 0;
    for (int cut : sizes) {
      int to = Math.min(events.size(), from + cut);
      List<DispatchEffect> effects = new ArrayList<>();
      Answer answer = new Answer.None();
      for (DispatchEvent event : events.subList(from, to)) {
        Transition t = core.apply(single, event, one);
        single = t.board();
        effects.addAll(t.effects());
        answer = t.answer();
      }
      Transition all = core.applyAll(batch, events.subList(from, to), batched);
      batch = all.board();
      assertThat(all.board()).isEqualTo(single);
      assertThat(all.effects()).isEqualTo(effects);
      assertThat(all.answer()).isEqualTo(answer);
      from = to;
    }
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 20).list().ofMinSize(1).ofMaxSize(10);
  }
}
