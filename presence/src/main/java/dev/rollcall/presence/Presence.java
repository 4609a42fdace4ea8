package dev.rollcall.presence;

import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.pubsub.PubSub;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who is on a topic (Phoenix.Presence), for channels. Reads come from this node's replicated view
 * and never wait on other nodes.
 *
 * <p>Lists have Phoenix's shape: {@code {key: {"metas": [{...meta, "phx_ref": ...}, ...]}}}. Every
 * change this node observes, local or from a peer, is broadcast to the topic's local subscribers as
 * a {@code presence_diff} {@code {"joins": {...}, "leaves": {...}}} ({@link
 * dev.rollcall.channels.Broadcast}). Thread-safe.
 *
 * <pre>{@code
 * Presence presence = Presence.start(pubSub, PresenceConfig.defaults());
 * // in a channel, after join:
 * presence.track(socket, userName, Map.of("online_at", now));
 * socket.push("presence_state", presence.list(socket.topic()));
 * // or, for a topic many clients join at once (one list shared by the joiners of a window):
 * presence.listShared(socket.topic(), state -> socket.push("presence_state", state));
 * }</pre>
 */
public interface Presence extends AutoCloseable {

  /** Starts presence on this node, replicating through {@code pubSub}. */
  static Presence start(PubSub pubSub, PresenceConfig config) {
    return start(pubSub, config, PresenceFetch.IDENTITY);
  }

  /** Like {@link #start(PubSub, PresenceConfig)}, with Phoenix's {@code fetch/2} hook. */
  static Presence start(PubSub pubSub, PresenceConfig config, PresenceFetch fetch) {
    return PresenceProvider.installed().start(pubSub, config, fetch);
  }

  /**
   * Tracks {@code channel}'s process under {@code key} on its topic with {@code meta}; the entry is
   * removed when the channel ends, however it ends. Errors: {@code "already_tracked"} (this channel
   * already tracks {@code key}), {@code "invalid key: ..."} (empty or over 256 bytes), {@code
   * "invalid meta: ..."} (not a JSON object).
   */
  Result track(ChannelSocket channel, String key, Map<String, Object> meta);

  /**
   * Tracks an owner under {@code key} on {@code topic}; {@code ownerId} ends with {@link
   * #untrackAll}.
   */
  Result track(String ownerId, String topic, String key, Map<String, Object> meta);

  /** Stops tracking; {@code "nopresence"} if {@code key} is not tracked by this channel. */
  Result untrack(ChannelSocket channel, String key);

  /** Stops tracking; {@code "nopresence"} if nothing is tracked there. */
  Result untrack(String ownerId, String topic, String key);

  /**
   * Replaces the meta; the new meta carries the old {@code phx_ref} as {@code phx_ref_prev}. {@code
   * "nopresence"} if {@code key} is not tracked by this channel.
   */
  Result update(ChannelSocket channel, String key, Map<String, Object> meta);

  /** Like {@link #update(ChannelSocket, String, Map)} for an owner id. */
  Result update(String ownerId, String topic, String key, Map<String, Object> meta);

  /** Removes every entry of an owner (for instance a channel process that ended). */
  void untrackAll(String ownerId);

  /** {@code {key: {"metas": [...]}}} for everyone present on {@code topic}, on every node. */
  Map<String, Map<String, Object>> list(String topic);

  /**
   * Calls {@code whenListed} once with {@link #list} of {@code topic}, taken a short while after
   * this call (the presence's diff window; at once if it is zero) and shared with every other
   * caller for {@code topic} in that while: one list and one JSON encoding for all the clients that
   * join a busy topic together, where {@link #list} costs O(presences) per call.
   *
   * <p>For a joiner's {@code presence_state}: call it from a channel that is already subscribed to
   * {@code topic} (after join), and push the list from {@code whenListed}. The list is never older
   * than this call, so it holds every change whose {@code presence_diff} was sent before the
   * channel subscribed, which the client will never see: a list taken before the subscription could
   * miss a change whose diff went out in between, and the client would never learn it. Diffs sent
   * between the subscription and the list hold changes the list already has; phoenix.js buffers
   * diffs until the state arrives and applies joins and leaves by {@code phx_ref}, so they are
   * no-ops. {@code whenListed} runs on the thread that sends this presence's diffs, so a list
   * pushed from it reaches the client before any diff sent after the list was taken. It must not
   * block, and must not change the map (immutable).
   */
  default void listShared(String topic, Consumer<Map<String, Map<String, Object>>> whenListed) {
    whenListed.accept(list(topic));
  }

  /**
   * How many keys {@code topic} has on every node, in total and by {@link PresenceConfig#groups()}:
   * kept as changes arrive, so it costs the same in a topic of ten or of a hundred thousand (where
   * {@code list(topic).size()} copies the whole topic). {@code count} is the size {@link #list}
   * would have.
   */
  PresenceCount count(String topic);

  /**
   * A page of {@code topic}'s presences, keys ascending, from the cursor in {@code query}: O(limit)
   * for the whole topic or a prefix, more with a group filter (the keys of other groups in between
   * are skipped). Every key present throughout a walk from page to page is returned exactly once.
   *
   * @throws IllegalArgumentException if {@code query.group()} is not one of the configured groups
   */
  PresencePage page(String topic, PresencePage.Query query);

  /** {@code {"metas": [...]}} for {@code key} on {@code topic}, or an empty map. */
  Map<String, Object> get(String topic, String key);

  /**
   * Times this node's tracker heartbeats and merges from now on, for metrics ({@link
   * TrackerObserver#NONE}, the default, times nothing).
   */
  void observe(TrackerObserver observer);

  /**
   * {@code topic -> number of keys present} for every topic with anyone present, on every node (a
   * key tracked from several places counts once). O(topics); for dashboards, not per message.
   */
  Map<String, Integer> topics();

  /**
   * The nodes this node's tracker knows, itself first: whether each is up and how long since it was
   * last heard (see {@link PresenceNode}).
   */
  List<PresenceNode> nodes();

  /** Stops this node's presence; other nodes drop its presences at once. */
  @Override
  void close();

  /** Outcome of a change: ok with the new {@code phx_ref}, or an error that changed nothing. */
  sealed interface Result {
    record Ok(String phxRef) implements Result {}

    record Error(String reason) implements Result {}
  }
}
