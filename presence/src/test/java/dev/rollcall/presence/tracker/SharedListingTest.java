package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.protocol.EncodedJson;
import dev.rollcall.pubsub.LocalPubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Shared lists for joiners: one snapshot and one encoding per window, and, with presence's diffs on
 * the same (here hand-run) timer, every joiner's state plus the diffs it hears afterwards is the
 * final roster.
 */
class SharedListingTest {
  private static final String TOPIC = "room:lobby";
  private static final long WINDOW = Duration.ofMillis(25).toNanos();

  /** A single-threaded timer on a virtual clock: tasks run in (due time, scheduling) order. */
  private static final class VirtualTimer implements DiffCoalescer.Timer {
    private record Task(long due, long seq, Runnable run) {}

    private final PriorityQueue<Task> tasks =
        new PriorityQueue<>(
            (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;

    @Override
    public void schedule(Runnable task, long delayNanos) {
      tasks.add(new Task(now + delayNanos, seq++, task));
    }

    void advance(long nanos) {
      long until = now + nanos;
      while (!tasks.isEmpty() && tasks.peek().due <= until) {
        Task task = tasks.poll();
        now = task.due;
        task.run.run();
      }
      now = until;
    }
  }

  @Test
  void joinersOfOneWindowShareOneListAndOneEncoding() {
    VirtualTimer timer = new VirtualTimer();
    AtomicInteger listed = new AtomicInteger();
    Map<String, Map<String, Object>> view = new HashMap<>();
    view.put("alice", Map.of("metas", List.of(Map.of("phx_ref", "1"))));
    SharedListing lists =
        new SharedListing(
            Duration.ofMillis(25),
            timer,
            topic -> {
              listed.incrementAndGet();
              return new HashMap<>(view);
            });
    List<Map<String, Map<String, Object>>> got = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lists.request(TOPIC, got::add);
    }
    view.put("bob", Map.of("metas", List.of(Map.of("phx_ref", "2"))));

    assertThat(got).isEmpty();
    timer.advance(WINDOW);

    assertThat(listed).hasValue(1);
    assertThat(got).hasSize(100);
    assertThat(got).allSatisfy(state -> assertThat(state).isSameAs(got.get(0)));
    // Taken at the window's end: bob, who arrived after the requests, is listed.
    assertThat(got.get(0)).containsOnlyKeys("alice", "bob");
    byte[] json = ((EncodedJson) got.get(0)).json();
    assertThat(json).isSameAs(((EncodedJson) got.get(99)).json());
    assertThat(json).isEqualTo(EncodedJson.encode(new HashMap<>(got.get(0))));

    lists.request(TOPIC, got::add);
    timer.advance(WINDOW);
    assertThat(listed).as("a request after the snapshot gets a new one").hasValue(2);
    assertThat(got.get(100)).isNotSameAs(got.get(0));
  }

  @Test
  void aZeroWindowListsAtOnce() {
    SharedListing lists =
        new SharedListing(
            Duration.ZERO,
            (task, delay) -> {
              throw new AssertionError("nothing to schedule");
            },
            topic -> new HashMap<>(Map.of("alice", Map.of("metas", List.of()))));
    List<Map<String, Map<String, Object>>> got = new ArrayList<>();
    lists.request(TOPIC, got::add);
    assertThat(got).singleElement().satisfies(s -> assertThat(s).containsOnlyKeys("alice"));
  }

  sealed interface Step {
    record Track(int hero) implements Step {}

    record Untrack(int hero) implements Step {}

    /** A client joins: subscribes to the topic, then asks for the shared list. */
    record Join() implements Step {}

    record Wait(int millis) implements Step {}
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 7).map(Step.Track::new),
            Arbitraries.integers().between(0, 7).map(Step.Untrack::new),
            Arbitraries.just(new Step.Join()),
            Arbitraries.integers().between(0, 60).map(Step.Wait::new));
    return step.list().ofMaxSize(60);
  }

  /**
   * Two client models per joiner: phoenix.js's (diffs before the state are buffered and applied
   * after it, by phx_ref) and a stricter one that drops diffs before the state; both must end with
   * the final roster, the second because the state is sent before any diff taken after it. Giving a
   * joiner a list taken before it subscribed (say, the previous window's) fails this: a diff sent
   * in between is lost to it.
   */
  @Property(tries = 300)
  void everyJoinerEndsWithTheFinalRoster(@ForAll("steps") List<Step> steps) {
    VirtualTimer timer = new VirtualTimer();
    LocalPubSub pubSub = new LocalPubSub("a");
    DiffCoalescer[] diffs = new DiffCoalescer[1];
    Tracker tracker =
        Tracker.start(
            pubSub,
            TrackerConfig.defaults(),
            (topic, joins, leaves) -> diffs[0].add(topic, joins, leaves));
    try {
      diffs[0] =
          new DiffCoalescer(
              pubSub,
              Duration.ofMillis(25),
              Duration.ofMillis(200),
              () -> timer.now,
              timer,
              SharedListingTest::render);
      SharedListing lists =
          new SharedListing(Duration.ofMillis(25), timer, topic -> tracker.presences(topic));
      List<Client> clients = new ArrayList<>();
      Set<Integer> tracked = new HashSet<>();
      for (Step step : steps) {
        switch (step) {
          case Step.Track t -> {
            if (tracked.add(t.hero())) {
              tracker.track("owner-" + t.hero(), TOPIC, "hero-" + t.hero(), Map.of());
            }
          }
          case Step.Untrack u -> {
            if (tracked.remove(u.hero())) {
              tracker.untrack("owner-" + u.hero(), TOPIC, "hero-" + u.hero());
            }
          }
          case Step.Join j -> {
            Client client = new Client();
            clients.add(client);
            pubSub.subscribe(TOPIC, d -> client.diff((Broadcast) d.message()));
            lists.request(TOPIC, client::state);
          }
          case Step.Wait w -> timer.advance(Duration.ofMillis(w.millis()).toNanos());
        }
      }
      timer.advance(Duration.ofSeconds(2).toNanos());

      Map<String, Set<Object>> roster = refs(tracker.presences(TOPIC));
      for (Client client : clients) {
        assertThat(client.phoenixJs).as("phoenix.js model").isEqualTo(roster);
        assertThat(client.strict).as("diffs before the state dropped").isEqualTo(roster);
      }
    } finally {
      tracker.close();
      pubSub.close();
    }
  }

  private static Map<String, Map<String, Object>> render(
      String topic, List<dev.rollcall.presence.tracker.KeyedMeta> presences) {
    Map<String, Map<String, Object>> grouped = new HashMap<>();
    for (var presence : presences) {
      @SuppressWarnings("unchecked")
      List<Object> metas =
          (List<Object>)
              grouped
                  .computeIfAbsent(
                      presence.key(), k -> new HashMap<>(Map.of("metas", new ArrayList<>())))
                  .get("metas");
      metas.add(presence.meta());
    }
    return grouped;
  }

  /** key → phx_refs of a {key: {"metas": [...]}} map. */
  private static Map<String, Set<Object>> refs(Map<String, ?> presences) {
    Map<String, Set<Object>> refs = new HashMap<>();
    presences.forEach(
        (key, value) -> {
          for (Object meta : (List<?>) ((Map<?, ?>) value).get("metas")) {
            refs.computeIfAbsent(key, k -> new HashSet<>()).add(((Map<?, ?>) meta).get("phx_ref"));
          }
        });
    return refs;
  }

  /** What one joiner's client holds, under the two models. */
  private static final class Client {
    final Map<String, Set<Object>> phoenixJs = new HashMap<>();
    final Map<String, Set<Object>> strict = new HashMap<>();
    final List<Map<?, ?>> pending = new ArrayList<>();
    boolean synced;

    void state(Map<String, Map<String, Object>> state) {
      assertThat(synced).as("one state per joiner").isFalse();
      synced = true;
      phoenixJs.putAll(refs(state));
      strict.putAll(refs(state));
      pending.forEach(diff -> apply(phoenixJs, diff));
      pending.clear();
    }

    void diff(Broadcast broadcast) {
      Map<?, ?> diff = (Map<?, ?>) broadcast.payload();
      if (!synced) {
        pending.add(diff);
        return;
      }
      apply(phoenixJs, diff);
      apply(strict, diff);
    }

    @SuppressWarnings("unchecked")
    private static void apply(Map<String, Set<Object>> roster, Map<?, ?> diff) {
      refs((Map<String, ?>) diff.get("joins"))
          .forEach((key, added) -> roster.computeIfAbsent(key, k -> new HashSet<>()).addAll(added));
      refs((Map<String, ?>) diff.get("leaves"))
          .forEach(
              (key, removed) -> {
                Set<Object> current = roster.get(key);
                if (current != null) {
                  current.removeAll(removed);
                  if (current.isEmpty()) {
                    roster.remove(key);
                  }
                }
              });
    }
  }
}
