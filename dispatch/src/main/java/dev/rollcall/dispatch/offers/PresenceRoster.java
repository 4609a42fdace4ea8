package dev.rollcall.dispatch.offers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Heroes as the lobby's presence list shows them: each hero's status and connections. A hero on
 * several connections (tabs) is busy if any says busy, else off duty if any says so, else
 * available: a hero is offered work only when all their pages agree they are free.
 */
public record PresenceRoster(Map<String, Entry> heroes) {

  /**
   * @param refs each meta's {@code phx_ref} and its {@code phx_ref_prev} ("" if none): an updated
   *     meta is the same connection as the meta it replaced
   */
  public record Entry(HeroStatus status, Map<String, String> refs) {
    // An immutable copy: most heroes have one connection, and a HashMap of one would take ~160
    // bytes (its 16-slot table) in a roster the driver keeps of the whole lobby.
    public Entry {
      refs = Map.copyOf(refs);
    }
  }

  public PresenceRoster {
    heroes = Map.copyOf(heroes);
  }

  public static PresenceRoster empty() {
    return new PresenceRoster(Map.of());
  }

  /** Reads a {@code Presence.list} of the lobby. */
  public static PresenceRoster of(Map<String, Map<String, Object>> list) {
    Map<String, Entry> heroes = new HashMap<>();
    list.forEach(
        (hero, entry) -> {
          if (!(entry.get("metas") instanceof List<?> metas) || metas.isEmpty()) {
            return;
          }
          boolean busy = false;
          boolean offDuty = false;
          Map<String, String> refs = new HashMap<>();
          for (Object meta : metas) {
            if (!(meta instanceof Map<?, ?> fields)) {
              continue;
            }
            // A meta without a status (an older node) counts as available, as a join starts.
            HeroStatus status =
                HeroStatus.parse(fields.get(HeroStatus.META_KEY)).orElse(HeroStatus.AVAILABLE);
            busy |= status == HeroStatus.BUSY;
            offDuty |= status == HeroStatus.OFF_DUTY;
            if (fields.get("phx_ref") instanceof String ref) {
              refs.put(ref, fields.get("phx_ref_prev") instanceof String prev ? prev : "");
            }
          }
          HeroStatus status =
              busy ? HeroStatus.BUSY : offDuty ? HeroStatus.OFF_DUTY : HeroStatus.AVAILABLE;
          heroes.put(hero, new Entry(status, refs));
        });
    return new PresenceRoster(heroes);
  }

  public Map<String, HeroStatus> statuses() {
    Map<String, HeroStatus> statuses = new HashMap<>();
    heroes.forEach((hero, entry) -> statuses.put(hero, entry.status()));
    return statuses;
  }

  /**
   * Whether {@code hero} has a connection in this roster that {@code before} did not know: a meta
   * that neither is nor replaced one {@code before} saw.
   */
  public boolean connectedAgain(String hero, PresenceRoster before) {
    Entry now = heroes.get(hero);
    Entry then = before.heroes().get(hero);
    if (now == null || then == null) {
      return false;
    }
    Set<String> known = then.refs().keySet();
    for (var meta : now.refs().entrySet()) {
      boolean replaced = !meta.getValue().isEmpty() && known.contains(meta.getValue());
      if (!known.contains(meta.getKey()) && !replaced) {
        return true;
      }
    }
    return false;
  }
}
