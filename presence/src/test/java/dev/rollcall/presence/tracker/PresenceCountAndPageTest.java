package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceCount;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.presence.PresenceGroups;
import dev.rollcall.presence.PresencePage;
import dev.rollcall.presence.TrackerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Presence#count} and {@link Presence#page} through the public API, on two nodes. */
class PresenceCountAndPageTest {
  private static final String TOPIC = "room:lobby";
  private static final PresenceConfig CONFIG =
      new PresenceConfig(
              new TrackerConfig(
                  "presence",
                  Duration.ofMillis(50),
                  Duration.ofSeconds(20),
                  Duration.ofSeconds(40),
                  Duration.ofMillis(10)),
              Duration.ZERO,
              Duration.ZERO)
          .withGroups(new PresenceGroups("status", List.of("busy", "off_duty", "available")));

  private final SimulatedNetwork network = new SimulatedNetwork();
  private final List<Presence> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(Presence::close);
    network.close();
  }

  private Presence start(String node, PresenceFetch fetch) {
    Presence presence = Presence.start(network.node(node), CONFIG, fetch);
    started.add(presence);
    return presence;
  }

  private static Map<String, Object> status(String status) {
    return Map.of("status", status);
  }

  private static Map<String, Integer> groups(int busy, int offDuty, int available) {
    Map<String, Integer> groups = new LinkedHashMap<>();
    groups.put("busy", busy);
    groups.put("off_duty", offDuty);
    groups.put("available", available);
    return groups;
  }

  @Test
  void countsKeysOnEveryNodeByTheirMostBindingStatus() {
    Presence a = start("a", PresenceFetch.IDENTITY);
    Presence b = start("b", PresenceFetch.IDENTITY);
    assertThat(a.count(TOPIC)).isEqualTo(new PresenceCount(0, groups(0, 0, 0)));

    a.track("tab-1", TOPIC, "ada", status("available"));
    a.track("tab-2", TOPIC, "ada", status("busy")); // a second tab: one key, busy wins
    b.track("tab-3", TOPIC, "bob", status("off_duty"));
    b.track("tab-4", TOPIC, "cy", Map.of()); // no status: the default group
    await()
        .untilAsserted(
            () -> {
              assertThat(a.count(TOPIC)).isEqualTo(new PresenceCount(3, groups(1, 1, 1)));
              assertThat(b.count(TOPIC)).isEqualTo(a.count(TOPIC));
            });
    assertThat(a.count(TOPIC).count()).isEqualTo(a.list(TOPIC).size());

    a.untrack("tab-2", TOPIC, "ada");
    b.update("tab-3", TOPIC, "bob", status("available"));
    b.untrackAll("tab-4");
    await()
        .untilAsserted(
            () -> {
              assertThat(a.count(TOPIC)).isEqualTo(new PresenceCount(2, groups(0, 0, 2)));
              assertThat(b.count(TOPIC)).isEqualTo(a.count(TOPIC));
            });
  }

  @Test
  void pagesAscendByKeyThroughTheFetchHookWithGroupAndPrefixFilters() {
    PresenceFetch withUser =
        (topic, presences) -> {
          Map<String, Map<String, Object>> fetched = new LinkedHashMap<>();
          presences.forEach(
              (key, presence) -> {
                Map<String, Object> enriched = new LinkedHashMap<>(presence);
                enriched.put("user", key.toUpperCase(java.util.Locale.ROOT));
                fetched.put(key, enriched);
              });
          return fetched;
        };
    Presence presence = start("a", withUser);
    for (String name : List.of("storm", "thor", "spider", "hulk", "sif", "wasp")) {
      presence.track(name, TOPIC, name, status(name.startsWith("s") ? "busy" : "available"));
    }

    PresencePage first = presence.page(TOPIC, PresencePage.Query.first(4));
    assertThat(first.entries())
        .extracting(PresencePage.Entry::key)
        .containsExactly("hulk", "sif", "spider", "storm");
    assertThat(first.next()).isEqualTo("storm");
    assertThat(first.entries().getFirst().presence()).containsEntry("user", "HULK");
    assertThat(first.entries().getFirst().metas()).hasSize(1);
    PresencePage second = presence.page(TOPIC, PresencePage.Query.first(4).after(first.next()));
    assertThat(second.entries())
        .extracting(PresencePage.Entry::key)
        .containsExactly("thor", "wasp");
    assertThat(second.next()).isNull();

    PresencePage busyS =
        presence.page(TOPIC, PresencePage.Query.first(2).inGroup("busy").withPrefix("s"));
    assertThat(busyS.entries())
        .extracting(PresencePage.Entry::key)
        .containsExactly("sif", "spider");
    assertThat(busyS.next()).isEqualTo("spider");
    PresencePage busyRest =
        presence.page(
            TOPIC, PresencePage.Query.first(2).inGroup("busy").withPrefix("s").after("spider"));
    assertThat(busyRest.entries()).extracting(PresencePage.Entry::key).containsExactly("storm");
    assertThat(busyRest.next()).isNull();
    assertThat(presence.page(TOPIC, PresencePage.Query.first(10).inGroup("off_duty")).entries())
        .isEmpty();
    assertThat(presence.page("room:empty", PresencePage.Query.first(10)))
        .isEqualTo(new PresencePage(List.of(), null));
  }

  @Test
  void refusesAnUnknownGroupAndALimitBelowOne() {
    Presence presence = start("a", PresenceFetch.IDENTITY);
    assertThatThrownBy(() -> presence.page(TOPIC, PresencePage.Query.first(1).inGroup("asleep")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown group 'asleep'");
    assertThatThrownBy(() -> PresencePage.Query.first(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit must be at least 1");
    assertThatThrownBy(() -> new PresenceGroups("status", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
