package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.pubsub.LocalPubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Diffs gathered within a window, with the window's end run by hand. */
class DiffCoalescerTest {
  private static final String TOPIC = "room:lobby";
  private final LocalPubSub pubSub = new LocalPubSub("a");
  private final List<Object> sent = new ArrayList<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Long> delays = new ArrayList<>();
  private long now = 1_000_000_000L;
  private final DiffCoalescer diffs =
      new DiffCoalescer(
          pubSub,
          Duration.ofMillis(25),
          Duration.ofMillis(200),
          () -> now,
          (task, delay) -> {
            timers.add(task);
            delays.add(delay);
          },
          (topic, presences) -> {
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            presences.forEach(
                p ->
                    out.computeIfAbsent(p.key(), k -> new LinkedHashMap<>())
                        .merge(
                            "refs",
                            List.of(p.meta().get("phx_ref")),
                            (a, b) -> {
                              List<Object> all = new ArrayList<>((List<?>) a);
                              all.addAll((List<?>) b);
                              return all;
                            }));
            return out;
          });

  DiffCoalescerTest() {
    pubSub.subscribe(TOPIC, delivery -> sent.add(((Broadcast) delivery.message()).payload()));
  }

  private static KeyedMeta presence(String key, String ref) {
    return new KeyedMeta(key, Map.of("phx_ref", ref));
  }

  private void endWindow() {
    List<Runnable> due = List.copyOf(timers);
    timers.clear();
    due.forEach(Runnable::run);
  }

  @Test
  void aStormOfJoinsInOneWindowIsOneDiff() {
    for (int i = 0; i < 1000; i++) {
      diffs.add(TOPIC, List.of(presence("user" + i, "r" + i)), List.of());
    }
    assertThat(sent).isEmpty();
    assertThat(timers).hasSize(1);
    endWindow();
    assertThat(sent).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> joins = (Map<String, Object>) ((Map<?, ?>) sent.get(0)).get("joins");
    assertThat(joins).hasSize(1000);
    // the next change opens a new window
    diffs.add(TOPIC, List.of(), List.of(presence("user1", "r1")));
    assertThat(timers).hasSize(1);
    endWindow();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1))
        .isEqualTo(
            Map.of("joins", Map.of(), "leaves", Map.of("user1", Map.of("refs", List.of("r1")))));
  }

  @Test
  void aJoinAndLeaveOfOneRefInAWindowIsSentAsTheLeaveOnly() {
    // A client may have listed the presence during the window: it must still hear the leave.
    diffs.add(TOPIC, List.of(presence("alice", "r1")), List.of());
    diffs.add(TOPIC, List.of(), List.of(presence("alice", "r1")));
    endWindow();
    assertThat(sent)
        .containsExactly(
            Map.of("joins", Map.of(), "leaves", Map.of("alice", Map.of("refs", List.of("r1")))));
  }

  @Test
  void aLeaveThenAJoinOfOneRefInAWindowIsSentAsTheJoinOnly() {
    // A replica down then up again within the window.
    diffs.add(TOPIC, List.of(), List.of(presence("alice", "r1")));
    diffs.add(TOPIC, List.of(presence("alice", "r1")), List.of());
    endWindow();
    assertThat(sent)
        .containsExactly(
            Map.of("joins", Map.of("alice", Map.of("refs", List.of("r1"))), "leaves", Map.of()));
  }

  @Test
  void anUpdateKeepsBothItsJoinAndItsLeave() {
    diffs.add(TOPIC, List.of(presence("alice", "r2")), List.of(presence("alice", "r1")));
    endWindow();
    assertThat(sent)
        .containsExactly(
            Map.of(
                "joins", Map.of("alice", Map.of("refs", List.of("r2"))),
                "leaves", Map.of("alice", Map.of("refs", List.of("r1")))));
  }

  private static final long MS = 1_000_000L;

  @Test
  void aTopicInABurstGetsEverLongerWindowsUpToTheMaxAndABaseWindowOnceQuiet() {
    // a change arriving right after each diff: the burst goes on
    for (int i = 0; i < 6; i++) {
      diffs.add(TOPIC, List.of(presence("user" + i, "r" + i)), List.of());
      now += delays.getLast();
      endWindow();
      now += 1 * MS;
    }
    assertThat(delays).containsExactly(25 * MS, 50 * MS, 100 * MS, 200 * MS, 200 * MS, 200 * MS);
    assertThat(sent).hasSize(6);

    // quiet for longer than the last window: a lone change waits only the base window again
    now += 201 * MS;
    diffs.add(TOPIC, List.of(presence("late", "r9")), List.of());
    assertThat(delays.getLast()).isEqualTo(25 * MS);
  }

  @Test
  void aChangeAfterAQuietWindowKeepsTheBaseWindow() {
    diffs.add(TOPIC, List.of(presence("alice", "r1")), List.of());
    now += 25 * MS;
    endWindow();
    now += 26 * MS;
    diffs.add(TOPIC, List.of(presence("bob", "r2")), List.of());
    assertThat(delays).containsExactly(25 * MS, 25 * MS);
  }

  @Test
  void topicsHaveWindowsOfTheirOwn() {
    List<Object> other = new ArrayList<>();
    pubSub.subscribe("room:other", d -> other.add(d.message()));
    diffs.add(TOPIC, List.of(presence("alice", "r1")), List.of());
    diffs.add("room:other", List.of(presence("bob", "r2")), List.of());
    assertThat(timers).hasSize(2);
    endWindow();
    assertThat(sent).hasSize(1);
    assertThat(other).hasSize(1);
  }
}
