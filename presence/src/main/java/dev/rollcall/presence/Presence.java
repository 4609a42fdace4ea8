package dev.rollcall.presence;

import dev.rollcall.channels.ChannelSocket;
import java.util.Map;

/**
 * Who is on a topic (Phoenix.Presence), for channels. Reads come from this node's replicated view
 * and never wait on other nodes.
 *
 * <p>Lists have Phoenix's shape: {@code {key: {"metas": [{...meta, "phx_ref": ...}, ...]}}}.
 * Thread-safe.
 */
public interface Presence {

  /**
   * Tracks {@code channel}'s process under {@code key} on its topic with {@code meta}; the entry is
   * removed when the channel ends, however it ends.
   */
  Result track(ChannelSocket channel, String key, Map<String, Object> meta);

  /**
   * Tracks an owner under {@code key} on {@code topic}; {@code ownerId} ends with {@link
   * #untrackAll}.
   */
  Result track(String ownerId, String topic, String key, Map<String, Object> meta);

  Result untrack(ChannelSocket channel, String key);

  /** Replaces the meta; the new meta carries the old {@code phx_ref} as {@code phx_ref_prev}. */
  Result update(ChannelSocket channel, String key, Map<String, Object> meta);

  /** Removes every entry of an owner (for instance a channel process that ended). */
  void untrackAll(String ownerId);

  /** {@code {key: {"metas": [...]}}} for everyone present on {@code topic}, on every node. */
  Map<String, Map<String, Object>> list(String topic);

  /** {@code {"metas": [...]}} for {@code key} on {@code topic}, or an empty map. */
  Map<String, Object> get(String topic, String key);

  /** Outcome of a change: ok with the new {@code phx_ref}, or an error that changed nothing. */
  sealed interface Result {
    record Ok(String phxRef) implements Result {}

    record Error(String reason) implements Result {}
  }
}
