package dev.rollcall.dispatch.cluster;

import dev.rollcall.client.Presence;
import dev.rollcall.client.PresenceEntry;
import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import dev.rollcall.protocol.Message;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A hero in the lobby of one node, as the page sees it: its name from {@code user_info}, the roster
 * kept from {@code presence_state} and {@code presence_diff} by the client's {@link Presence}
 * (phoenix.js's algorithm), and every {@code notification} received.
 *
 * <p>Thread-safe: frames arrive on the client's event loop; the state is guarded by this object.
 */
final class Hero implements ClientListener, AutoCloseable {
  static final String LOBBY = "notifications:lobby";

  private final ClusterNode node;
  private final CompletableFuture<String> name = new CompletableFuture<>();
  private Map<String, PresenceEntry> roster = Map.of();
  private final List<Map<String, Object>> notifications = new CopyOnWriteArrayList<>();
  private final List<String> leaves = new CopyOnWriteArrayList<>();
  private volatile ClientSocket socket;

  private Hero(ClusterNode node) {
    this.node = node;
  }

  /** Connects to {@code node}, joins the lobby and waits for its name. */
  static Hero join(PhoenixClient client, ClusterNode node) throws Exception {
    return join(client, node, null);
  }

  /** Like {@link #join(PhoenixClient, ClusterNode)}, with a page's token (null for none). */
  static Hero join(PhoenixClient client, ClusterNode node, String token) throws Exception {
    var hero = new Hero(node);
    SocketOptions options = SocketOptions.defaults().withListener(hero);
    hero.socket =
        client
            .connect(node.socketUri(), token == null ? options : options.withAuthToken(token))
            .get(10, TimeUnit.SECONDS);
    Message reply = hero.socket.join(LOBBY, Map.of()).get(10, TimeUnit.SECONDS);
    if (!"ok".equals(ClientSocket.status(reply))) {
      throw new AssertionError("join refused on " + node + ": " + reply);
    }
    hero.name.get(10, TimeUnit.SECONDS);
    return hero;
  }

  String name() {
    return name.getNow(null);
  }

  ClusterNode node() {
    return node;
  }

  /** Names present in this hero's roster. */
  synchronized List<String> roster() {
    return List.copyOf(roster.keySet());
  }

  /** Metas per name, to check that nothing is duplicated. */
  synchronized Map<String, Integer> metaCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    roster.forEach((key, entry) -> counts.put(key, entry.metas().size()));
    return counts;
  }

  /** Names that left this hero's roster through a {@code presence_diff}, in order. */
  List<String> leaves() {
    return List.copyOf(leaves);
  }

  /** Bodies of the notifications received, in order. */
  List<String> bodies() {
    return notifications.stream().map(n -> String.valueOf(n.get("body"))).toList();
  }

  /** Notifications sent by the internal service. */
  List<Map<String, Object>> serviceNotifications() {
    return notifications.stream().filter(n -> "dispatch".equals(n.get("from"))).toList();
  }

  Message notifyAll(String body) throws Exception {
    return push("notify_all", Map.of("body", body));
  }

  Message notifyDirect(String body, String recipient) throws Exception {
    return push("notify_direct", Map.of("body", body, "recipient", recipient));
  }

  private Message push(String event, Map<String, Object> payload) throws Exception {
    Message reply = socket.push(LOBBY, event, payload).get(10, TimeUnit.SECONDS);
    if (!"ok".equals(ClientSocket.status(reply))) {
      throw new AssertionError(event + " refused: " + reply);
    }
    return reply;
  }

  boolean isOpen() {
    return socket != null && socket.isOpen();
  }

  @Override
  public void onMessage(ClientSocket socket, Message message) {
    if (!LOBBY.equals(message.topic())) {
      return;
    }
    switch (message.event()) {
      case "user_info" -> name.complete(String.valueOf(asMap(message.payload()).get("user_name")));
      case "presence_state" -> presenceState(asMap(message.payload()));
      case "presence_diff" -> presenceDiff(asMap(message.payload()));
      case "notification" -> notifications.add(asMap(message.payload()));
      default -> {}
    }
  }

  // The roster is kept by the client's phoenix.js Presence algorithm, so this hero sees exactly
  // what a page sees.
  private synchronized void presenceState(Map<String, Object> state) {
    roster = Presence.syncState(roster, PresenceEntry.fromJsonState(state), null, null);
  }

  private synchronized void presenceDiff(Map<String, Object> diff) {
    roster = Presence.syncDiff(roster, Presence.Diff.fromJson(diff), null, this::left);
  }

  private void left(String key, PresenceEntry remaining, PresenceEntry left) {
    if (remaining.metas().isEmpty()) {
      leaves.add(key);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  @Override
  public void close() {
    ClientSocket current = socket;
    if (current != null) {
      current.close();
    }
  }

  @Override
  public String toString() {
    return "Hero[" + name() + " on " + node.node() + ", roster " + roster() + "]";
  }
}
