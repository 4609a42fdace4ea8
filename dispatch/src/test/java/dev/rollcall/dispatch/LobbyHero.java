package dev.rollcall.dispatch;

import static org.awaitility.Awaitility.await;

import dev.rollcall.client.Channel;
import dev.rollcall.client.Presence;
import dev.rollcall.client.Reply;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A hero in the lobby through the Java client, built as the Node suite's {@code client.js} builds
 * one with phoenix.js: a socket with 100 ms reconnect and rejoin, the lobby channel, every event
 * recorded, and the roster kept by a {@link Presence} on each sync.
 *
 * <p>Thread-safe: the client's callbacks run on the socket's thread and write only thread-safe
 * fields; the test thread reads them.
 */
final class LobbyHero implements AutoCloseable {
  static final String LOBBY = "notifications:lobby";

  /** For what a hero waits on; a loaded machine can take seconds for a join or a diff. */
  static final Duration WAIT = Duration.ofSeconds(10);

  record Event(String event, Object payload) {}

  final String label;
  final Socket socket;
  final Channel channel;
  final Presence presence;
  final List<Event> events = new CopyOnWriteArrayList<>();
  volatile List<String> roster = List.of();
  volatile Map<String, Integer> metas = Map.of();
  volatile String name;
  final Reply joinReply;

  private LobbyHero(String label, String baseUrl, String token, String topic) throws Exception {
    this.label = label;
    SocketConfig config =
        SocketConfig.defaults()
            .withReconnectAfter(tries -> Duration.ofMillis(100))
            .withRejoinAfter(tries -> Duration.ofMillis(100))
            .withTimeout(WAIT);
    if (token != null) {
      config = config.withAuthToken(token);
    }
    socket = new Socket(baseUrl.replaceFirst("^http", "ws") + "/socket", config);
    socket.connect();
    channel = socket.channel(topic, Map.of());
    for (String event : List.of("user_info", "presence_state", "presence_diff", "notification")) {
      channel.on(event, payload -> events.add(new Event(event, payload)));
    }
    presence = new Presence(channel);
    presence.onSync(
        () -> {
          var counts = new TreeMap<String, Integer>();
          presence.list((key, entry) -> counts.put(key, entry.metas().size()));
          metas = Map.copyOf(counts);
          roster = List.copyOf(counts.keySet());
        });
    channel.on(
        "user_info", payload -> name = String.valueOf(((Map<?, ?>) payload).get("user_name")));
    joinReply = channel.join().reply().get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
  }

  /** Connects and joins {@code topic}; once the join is ok, waits for user_info. */
  static LobbyHero join(String label, String baseUrl, String token, String topic) throws Exception {
    var hero = new LobbyHero(label, baseUrl, token, topic);
    if (hero.joinReply.isOk()) {
      waitFor(() -> hero.name, label + "'s user_info");
    }
    return hero;
  }

  static LobbyHero join(String label, String baseUrl) throws Exception {
    return join(label, baseUrl, null, LOBBY);
  }

  /** Pushes on the lobby and waits for the reply, as client.js {@code h.push}. */
  Reply push(String event, Object payload) throws Exception {
    return channel.push(event, payload).reply().get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
  }

  List<Object> payloads(String event) {
    var found = new ArrayList<Object>();
    for (Event e : events) {
      if (e.event().equals(event)) {
        found.add(e.payload());
      }
    }
    return found;
  }

  /** Notification payloads, in order. */
  List<Map<?, ?>> notifications() {
    return payloads("notification").stream().<Map<?, ?>>map(p -> (Map<?, ?>) p).toList();
  }

  long notificationsWithBody(String body) {
    return notifications().stream().filter(n -> body.equals(n.get("body"))).count();
  }

  @Override
  public void close() {
    socket.disconnect().orTimeout(5, TimeUnit.SECONDS).join();
  }

  @Override
  public String toString() {
    return label + "(" + name + ")";
  }

  /** Polls until {@code check} gives a value that is not null or false, as client.js waitFor. */
  static <T> T waitFor(Supplier<T> check, String what) {
    return waitFor(check, what, WAIT);
  }

  static <T> T waitFor(Supplier<T> check, String what, Duration timeout) {
    var value = new java.util.concurrent.atomic.AtomicReference<T>();
    await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              T got = check.get();
              value.set(got);
              return got != null && !Boolean.FALSE.equals(got);
            });
    return value.get();
  }
}
