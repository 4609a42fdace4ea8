package dev.rollcall.dispatch.offers;

import dev.rollcall.dispatch.offers.DispatchEffect.Changed;
import dev.rollcall.dispatch.offers.DispatchEffect.Counted;
import dev.rollcall.dispatch.offers.DispatchEffect.Forgotten;
import dev.rollcall.dispatch.offers.DispatchEffect.Offer;
import dev.rollcall.dispatch.offers.DispatchEffect.Outcome;
import dev.rollcall.dispatch.offers.DispatchEffect.Schedule;
import dev.rollcall.dispatch.offers.DispatchEffect.SetStatus;
import dev.rollcall.dispatch.offers.DispatchEvent.Accepted;
import dev.rollcall.dispatch.offers.DispatchEvent.Declined;
import dev.rollcall.dispatch.offers.DispatchEvent.HeroJoined;
import dev.rollcall.dispatch.offers.DispatchEvent.HeroLeft;
import dev.rollcall.dispatch.offers.DispatchEvent.Reported;
import dev.rollcall.dispatch.offers.DispatchEvent.Resolved;
import dev.rollcall.dispatch.offers.DispatchEvent.Resumed;
import dev.rollcall.dispatch.offers.DispatchEvent.StatusChanged;
import dev.rollcall.dispatch.offers.DispatchEvent.TimedOut;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The dispatch state machine: a board and an event in, the next board, the effects and the answer
 * out. No I/O, no clock (times come in events), no randomness of its own (the caller passes it), so
 * the driver can run it, store its result and replay nothing.
 *
 * <p>After every event, every dispatch that is not resolved is offered (to a present, available
 * hero holding no other offer who was not offered it before), assigned, or unassigned because
 * nobody is eligible. Stateless: any thread.
 */
public final class DispatchCore {
  private final OfferRules rules;

  public DispatchCore(OfferRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  public OfferRules rules() {
    return rules;
  }

  /** The result of one event. */
  public record Transition(DispatchBoard board, List<DispatchEffect> effects, Answer answer) {
    public Transition {
      effects = List.copyOf(effects);
    }
  }

  public Transition apply(DispatchBoard board, DispatchEvent event, RandomGenerator random) {
    var step = new Step(board, random);
    Answer answer = step.handle(event);
    return new Transition(step.board(), step.effects, answer);
  }

  /**
   * {@code events} one after the other, as {@link #apply} each in turn would (the same board and
   * effects for the same random sequence), with one working copy of the board for all of them: a
   * lobby of N heroes copies its N statuses once per batch instead of once per join, which made a
   * ramp of joins O(N²) on the driving node. The answer is the last event's.
   */
  public Transition applyAll(
      DispatchBoard board, List<? extends DispatchEvent> events, RandomGenerator random) {
    var step = new Step(board, random);
    Answer answer = new Answer.None();
    for (DispatchEvent event : events) {
      answer = step.handle(event);
    }
    return new Transition(step.board(), step.effects, answer);
  }

  /** One transition's working copy; discarded after {@link #apply}. */
  private final class Step {
    private final Map<String, Dispatch> dispatches;

    /**
     * The board's own (immutable) map until the first change, then a copy: most events change no
     * hero.
     */
    private Map<String, HeroStatus> heroes;

    private boolean heroesCopied;

    /** hero → the dispatch offered to them. */
    private final Map<String, String> offerHeld = new HashMap<>();

    /** The time of the event being handled. */
    private long now;

    private final RandomGenerator random;
    private final List<DispatchEffect> effects = new ArrayList<>();

    Step(DispatchBoard board, RandomGenerator random) {
      this.dispatches = new HashMap<>(board.dispatches());
      this.heroes = board.heroes();
      this.random = random;
      for (Dispatch d : dispatches.values()) {
        if (d.state() == DispatchState.OFFERED) {
          offerHeld.put(d.hero(), d.id());
        }
      }
    }

    /** One event, then every open dispatch offered, assigned or unassigned, then pruning. */
    Answer handle(DispatchEvent event) {
      now = event.now();
      Answer answer =
          switch (event) {
            case Reported r -> report(r);
            case Accepted a -> accept(a.id(), a.hero());
            case Declined d -> decline(d.id(), d.hero());
            case Resolved r -> resolve(r.id(), r.hero());
            case TimedOut t -> timedOut(t.id(), t.deadline());
            case HeroJoined j -> joined(j.hero(), j.status());
            case HeroLeft l -> left(l.hero());
            case StatusChanged s -> statusChanged(s.hero(), s.status());
            case Resumed r -> resumed(r.roster());
          };
      fill();
      prune();
      return answer;
    }

    private Map<String, HeroStatus> changingHeroes() {
      if (!heroesCopied) {
        heroes = new HashMap<>(heroes);
        heroesCopied = true;
      }
      return heroes;
    }

    DispatchBoard board() {
      return new DispatchBoard(dispatches, heroes);
    }

    Answer report(Reported r) {
      if (!dispatches.containsKey(r.id())) {
        var fresh =
            new Dispatch(
                r.id(), r.body(), DispatchState.UNASSIGNED, null, 0, now, now, List.of(), 0, 0);
        dispatches.put(fresh.id(), fresh);
        if (!offerNext(fresh)) {
          effects.add(new Changed(fresh, true));
          effects.add(new Counted(Outcome.UNASSIGNED, -1));
        }
      }
      return new Answer.Ok(Map.of("id", r.id()));
    }

    Answer accept(String id, String hero) {
      Dispatch d = dispatches.get(id);
      Answer refusal = refusal(d, hero);
      if (refusal != null) {
        return refusal;
      }
      Dispatch assigned =
          new Dispatch(
              d.id(),
              d.body(),
              DispatchState.ASSIGNED,
              hero,
              d.attempts(),
              d.createdAt(),
              now,
              d.offeredTo(),
              d.offeredAt(),
              0);
      put(assigned, true);
      offerHeld.remove(hero);
      effects.add(new Counted(Outcome.ACCEPTED, now - d.offeredAt()));
      setStatus(hero, HeroStatus.BUSY);
      return Answer.ok();
    }

    Answer decline(String id, String hero) {
      Dispatch d = dispatches.get(id);
      Answer refusal = refusal(d, hero);
      if (refusal != null) {
        return refusal;
      }
      effects.add(new Counted(Outcome.DECLINED, -1));
      moveOn(d);
      return Answer.ok();
    }

    /** Why {@code hero} may not answer the offer of {@code d}, or null if they may. */
    private Answer refusal(Dispatch d, String hero) {
      if (d == null) {
        return Answer.refused("unknown_dispatch");
      }
      if (d.state() == DispatchState.OFFERED && d.hero().equals(hero)) {
        if (now >= d.deadline()) {
          // The timer has not fired yet, but the offer is over: end it now, as the timer would.
          effects.add(new Counted(Outcome.EXPIRED, -1));
          moveOn(d);
          return Answer.refused("expired");
        }
        return null;
      }
      boolean holds = d.state() == DispatchState.ASSIGNED && d.hero().equals(hero);
      return !holds && d.offeredTo().contains(hero)
          ? Answer.refused("expired")
          : Answer.refused("not_offered");
    }

    Answer resolve(String id, String hero) {
      Dispatch d = dispatches.get(id);
      if (d == null) {
        return Answer.refused("unknown_dispatch");
      }
      if (d.state() != DispatchState.ASSIGNED || !d.hero().equals(hero)) {
        return Answer.refused("not_assigned");
      }
      put(
          new Dispatch(
              d.id(),
              d.body(),
              DispatchState.RESOLVED,
              null,
              d.attempts(),
              d.createdAt(),
              now,
              d.offeredTo(),
              0,
              0),
          true);
      effects.add(new Counted(Outcome.RESOLVED, -1));
      setStatus(hero, HeroStatus.AVAILABLE);
      return Answer.ok();
    }

    Answer timedOut(String id, long deadline) {
      Dispatch d = dispatches.get(id);
      if (d == null || d.deadline() != deadline || now < deadline) {
        return new Answer.None(); // stale: the dispatch moved on since it was scheduled
      }
      if (d.state() == DispatchState.OFFERED) {
        effects.add(new Counted(Outcome.EXPIRED, -1));
        moveOn(d);
      } else if (d.state() == DispatchState.ASSIGNED && !heroes.containsKey(d.hero())) {
        moveOn(d);
      }
      return new Answer.None();
    }

    Answer joined(String hero, HeroStatus status) {
      changingHeroes().put(hero, status);
      for (Dispatch d : List.copyOf(dispatches.values())) {
        if (!hero.equals(d.hero())) {
          continue;
        }
        if (d.state() == DispatchState.ASSIGNED) {
          if (d.deadline() != 0) {
            put(withDeadline(d, 0), false);
          }
          setStatus(hero, HeroStatus.BUSY);
        } else if (d.state() == DispatchState.OFFERED) {
          // A reconnect may have missed the push: the offer stands, say it again.
          effects.add(new Offer(hero, d));
        }
      }
      return new Answer.None();
    }

    Answer left(String hero) {
      changingHeroes().remove(hero);
      for (Dispatch d : List.copyOf(dispatches.values())) {
        if (!hero.equals(d.hero())) {
          continue;
        }
        if (d.state() == DispatchState.OFFERED) {
          effects.add(new Counted(Outcome.EXPIRED, -1));
          moveOn(d);
        } else if (d.state() == DispatchState.ASSIGNED && d.deadline() == 0) {
          holdFor(d);
        }
      }
      return new Answer.None();
    }

    Answer statusChanged(String hero, HeroStatus status) {
      if (heroes.containsKey(hero) && heroes.get(hero) != status) {
        changingHeroes().put(hero, status);
      }
      return new Answer.None();
    }

    Answer resumed(Map<String, HeroStatus> roster) {
      changingHeroes().clear();
      heroes.putAll(roster);
      for (Dispatch d : dispatches.values().stream().sorted(DispatchBoard.BY_AGE).toList()) {
        Dispatch current = dispatches.get(d.id());
        switch (current.state()) {
          case OFFERED -> {
            if (heroes.containsKey(current.hero())) {
              effects.add(new Schedule(current.id(), current.deadline()));
            } else {
              effects.add(new Counted(Outcome.EXPIRED, -1));
              moveOn(current);
            }
          }
          case ASSIGNED -> {
            boolean present = heroes.containsKey(current.hero());
            if (present && current.deadline() != 0) {
              put(withDeadline(current, 0), false);
            } else if (!present && current.deadline() == 0) {
              holdFor(current);
            } else if (!present) {
              effects.add(new Schedule(current.id(), current.deadline()));
            }
          }
          default -> {}
        }
      }
      return new Answer.None();
    }

    /** An assigned hero dropped: they keep it for {@code reassignAfter}, then it is offered. */
    private void holdFor(Dispatch d) {
      Dispatch held = withDeadline(d, now + rules.reassignAfter().toMillis());
      put(held, false);
      effects.add(new Schedule(held.id(), held.deadline()));
    }

    /** Offers every unassigned dispatch, oldest first, while anyone is eligible. */
    void fill() {
      if (!anyoneFree()) {
        return;
      }
      for (Dispatch d : dispatches.values().stream().sorted(DispatchBoard.BY_AGE).toList()) {
        if (d.state() == DispatchState.UNASSIGNED) {
          offerNext(d);
          if (!anyoneFree()) {
            return;
          }
        }
      }
    }

    /** Keeps the most recent {@code keepResolved} resolved dispatches. */
    void prune() {
      List<Dispatch> resolved =
          dispatches.values().stream()
              .filter(d -> d.state() == DispatchState.RESOLVED)
              .sorted(
                  java.util.Comparator.comparingLong(Dispatch::updatedAt)
                      .thenComparing(Dispatch::id)
                      .reversed())
              .toList();
      for (Dispatch old :
          resolved.subList(Math.min(rules.keepResolved(), resolved.size()), resolved.size())) {
        dispatches.remove(old.id());
        effects.add(new Forgotten(old.id()));
      }
    }

    private boolean anyoneFree() {
      for (var hero : heroes.entrySet()) {
        if (hero.getValue() == HeroStatus.AVAILABLE && !offerHeld.containsKey(hero.getKey())) {
          return true;
        }
      }
      return false;
    }

    /** The offer or assignment of {@code d} ended: offer it to the next hero, or nobody. */
    private void moveOn(Dispatch d) {
      offerHeld.remove(d.hero(), d.id());
      if (!offerNext(d)) {
        put(
            new Dispatch(
                d.id(),
                d.body(),
                DispatchState.UNASSIGNED,
                null,
                d.attempts(),
                d.createdAt(),
                now,
                d.offeredTo(),
                0,
                0),
            true);
        effects.add(new Counted(Outcome.UNASSIGNED, -1));
      }
    }

    /** Offers {@code d} to a random eligible hero; false (and nothing changed) if none is. */
    private boolean offerNext(Dispatch d) {
      List<String> eligible =
          heroes.entrySet().stream()
              .filter(h -> h.getValue() == HeroStatus.AVAILABLE)
              .map(Map.Entry::getKey)
              .filter(h -> !offerHeld.containsKey(h) && !d.offeredTo().contains(h))
              .sorted()
              .toList();
      if (eligible.isEmpty()) {
        return false;
      }
      String hero = eligible.get(random.nextInt(eligible.size()));
      List<String> offeredTo = new ArrayList<>(d.offeredTo());
      offeredTo.add(hero);
      Dispatch offered =
          new Dispatch(
              d.id(),
              d.body(),
              DispatchState.OFFERED,
              hero,
              d.attempts() + 1,
              d.createdAt(),
              now,
              offeredTo,
              now,
              now + rules.offerTimeout().toMillis());
      put(offered, true);
      offerHeld.put(hero, offered.id());
      effects.add(new Offer(hero, offered));
      effects.add(new Schedule(offered.id(), offered.deadline()));
      effects.add(new Counted(Outcome.OFFERED, offered.attempts() == 1 ? now - d.createdAt() : -1));
      return true;
    }

    private void setStatus(String hero, HeroStatus status) {
      if (heroes.containsKey(hero) && heroes.get(hero) != status) {
        changingHeroes().put(hero, status);
      }
      effects.add(new SetStatus(hero, status));
    }

    private void put(Dispatch d, boolean announce) {
      dispatches.put(d.id(), d);
      effects.add(new Changed(d, announce));
    }

    private Dispatch withDeadline(Dispatch d, long deadline) {
      return new Dispatch(
          d.id(),
          d.body(),
          d.state(),
          d.hero(),
          d.attempts(),
          d.createdAt(),
          d.updatedAt(),
          d.offeredTo(),
          d.offeredAt(),
          deadline);
    }
  }
}
