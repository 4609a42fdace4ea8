package dev.rollcall.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.protocol.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A server's presences change at random (joins, leaves, updates) while the client loses its
 * connection, misses diffs, rejoins and gets diffs before the new state: the client's view always
 * ends equal to the server's real set.
 */
class PresencePropertiesTest {

  /** One step of the server: a key joins, one meta leaves, or the client reconnects. */
  sealed interface Step {}

  record Join(int key) implements Step {}

  /** Leaves the meta at {@code pick} (modulo the number of metas), if there is any. */
  record Leave(int pick) implements Step {}

  /** A meta is replaced by a new one (Phoenix's update: leave + join in one diff). */
  record Update(int pick) implements Step {}

  /**
   * The client's connection drops: the next {@code lost} diffs never reach it; then it rejoins and
   * the next {@code early} diffs arrive before the presence_state (which already includes them).
   */
  record Reconnect(int lost, int early) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> join = Arbitraries.integers().between(0, 5).map(Join::new);
    Arbitrary<Step> leave = Arbitraries.integers().between(0, 50).map(Leave::new);
    Arbitrary<Step> update = Arbitraries.integers().between(0, 50).map(Update::new);
    Arbitrary<Step> reconnect =
        Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
            .as(Reconnect::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, join),
            net.jqwik.api.Tuple.of(3, leave),
            net.jqwik.api.Tuple.of(2, update),
            net.jqwik.api.Tuple.of(1, reconnect))
        .list()
        .ofMaxSize(40);
  }

  @Property(tries = 200)
  void theSyncedViewEqualsTheServersSet(@ForAll("steps") List<Step> steps) throws Exception {
    var socket = new Socket("ws://127.0.0.1:9/socket");
    try {
      var run = new Run(socket);
      for (Step step : steps) {
        run.apply(step);
      }
      run.finish();
      assertThat(run.clientView()).isEqualTo(run.serverView());
    } finally {
      socket.disconnect();
    }
  }

  @Property
  void syncStateAlwaysEndsAtTheNewState(
      @ForAll("states") Map<String, List<String>> current,
      @ForAll("states") Map<String, List<String>> next) {
    Map<String, PresenceEntry> synced =
        Presence.syncState(entries(current), entries(next), null, null);
    assertThat(view(synced)).isEqualTo(view(entries(next)));
  }

  @Provide
  Arbitrary<Map<String, List<String>>> states() {
    return Arbitraries.maps(
            Arbitraries.of("u1", "u2", "u3", "u4"),
            Arbitraries.of("a", "b", "c", "d").set().ofMinSize(1).map(List::copyOf))
        .ofMaxSize(4);
  }

  private static Map<String, PresenceEntry> entries(Map<String, List<String>> refs) {
    var state = new LinkedHashMap<String, PresenceEntry>();
    refs.forEach(
        (key, list) ->
            state.put(
                key,
                new PresenceEntry(
                    list.stream()
                        .map(ref -> Map.<String, Object>of("phx_ref", key + ref))
                        .toList())));
    return state;
  }

  /** key → the set of its metas: order of metas is not part of what the server promises. */
  static Map<String, Set<Map<String, Object>>> view(Map<String, PresenceEntry> state) {
    var view = new HashMap<String, Set<Map<String, Object>>>();
    state.forEach((key, entry) -> view.put(key, Set.copyOf(entry.metas())));
    return view;
  }

  /** The server's set, the client's channel and presence, and what is in flight between them. */
  private static final class Run {
    private final Socket socket;
    private final Channel channel;
    private final Presence presence;
    private final Map<String, List<Map<String, Object>>> server = new LinkedHashMap<>();
    private int refs;
    private int lost;
    private int early = -1; // diffs still to deliver before the state; -1 when synced

    Run(Socket socket) throws Exception {
      this.socket = socket;
      this.channel = socket.channel("room:lobby");
      this.presence = new Presence(channel);
      channel.join(Duration.ofHours(1));
      sendState();
    }

    void apply(Step step) throws Exception {
      switch (step) {
        case Join join -> {
          String key = "u" + join.key();
          var meta = meta(key);
          server.computeIfAbsent(key, k -> new ArrayList<>()).add(meta);
          diff(Map.of(key, List.of(meta)), Map.of());
        }
        case Leave leave -> {
          var picked = pick(leave.pick());
          if (picked != null) {
            remove(picked.getKey(), picked.getValue());
            diff(Map.of(), Map.of(picked.getKey(), List.of(picked.getValue())));
          }
        }
        case Update update -> {
          var picked = pick(update.pick());
          if (picked != null) {
            String key = picked.getKey();
            var meta = new LinkedHashMap<>(meta(key));
            meta.put("phx_ref_prev", picked.getValue().get("phx_ref"));
            remove(key, picked.getValue());
            server.computeIfAbsent(key, k -> new ArrayList<>()).add(meta);
            diff(Map.of(key, List.of(meta)), Map.of(key, List.of(picked.getValue())));
          }
        }
        case Reconnect reconnect -> {
          if (early >= 0) {
            // The drop comes after the pending state arrived: phoenix.js keeps diffs that came
            // before a state that never did and applies them after the next join's state (see
            // PresenceTest), so a view can only be proven right across joins that got their state.
            sendState();
          }
          onLoop(
              () -> {
                channel.trigger(Message.ERROR, Map.of("reason", "connection_closed"), null, null);
                channel.rejoin();
              });
          lost = reconnect.lost();
          early = reconnect.early();
          if (lost == 0 && early == 0) {
            sendState();
          }
        }
      }
    }

    void finish() throws Exception {
      if (early >= 0) {
        sendState();
      }
    }

    Map<String, Set<Map<String, Object>>> clientView() throws Exception {
      var view = new java.util.concurrent.atomic.AtomicReference<Map<String, PresenceEntry>>();
      onLoop(() -> view.set(presence.state()));
      return view(view.get());
    }

    Map<String, Set<Map<String, Object>>> serverView() {
      return server.entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
    }

    private Map<String, Object> meta(String key) {
      return Map.of("phx_ref", "r" + ++refs, "user", key);
    }

    private Map.Entry<String, Map<String, Object>> pick(int pick) {
      var all = new ArrayList<Map.Entry<String, Map<String, Object>>>();
      server.forEach((key, metas) -> metas.forEach(meta -> all.add(Map.entry(key, meta))));
      return all.isEmpty() ? null : all.get(pick % all.size());
    }

    private void remove(String key, Map<String, Object> meta) {
      List<Map<String, Object>> metas = server.get(key);
      metas.remove(meta);
      if (metas.isEmpty()) {
        server.remove(key);
      }
    }

    private void diff(
        Map<String, List<Map<String, Object>>> joins, Map<String, List<Map<String, Object>>> leaves)
        throws Exception {
      if (lost > 0) {
        lost--;
        if (lost == 0 && early == 0) {
          sendState();
        }
        return;
      }
      deliver("presence_diff", Map.of("joins", asPresences(joins), "leaves", asPresences(leaves)));
      if (early > 0 && --early == 0) {
        sendState(); // already includes the diffs that came before it
      }
    }

    private void sendState() throws Exception {
      early = -1;
      deliver("presence_state", asPresences(server));
    }

    private static Map<String, Object> asPresences(Map<String, List<Map<String, Object>>> metas) {
      var presences = new LinkedHashMap<String, Object>();
      metas.forEach((key, list) -> presences.put(key, Map.of("metas", List.copyOf(list))));
      return presences;
    }

    private void deliver(String event, Object payload) throws Exception {
      onLoop(() -> channel.trigger(event, payload, null, null));
    }

    private void onLoop(Runnable task) throws Exception {
      socket.loop.submit(task).get();
    }
  }
}
