package dev.rollcall.channels;

import dev.rollcall.pubsub.PubSub;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a channel knows of itself and of its client (Phoenix's {@code %Socket{}} inside a channel):
 * its topic and join, its assigns, and the ways to reach the client and the topic.
 *
 * <p>Confined to the channel's callbacks, except {@link #push}, {@link #send}, {@link #id()} and
 * {@link #topic()}, which any thread may call.
 */
public interface ChannelSocket {

  /** Unique among all channels of this node, for as long as the node runs; presence owner id. */
  String id();

  String topic();

  /** The join_ref of the join that started this channel. */
  String joinRef();

  /** The id the {@link Socket} gave this connection, or null. */
  String socketId();

  /** Query parameters the client connected with. */
  Map<String, String> connectParams();

  /**
   * Mutable per-channel state, first filled with the assigns from {@link Socket} connect; confined
   * to this channel's callbacks.
   */
  Map<String, Object> assigns();

  /** Sends {@code event} to this channel's client only (the frame carries this join_ref). */
  void push(String event, Object payload);

  /** Sends {@code event} to every subscriber of this topic on every node, this client included. */
  void broadcast(String event, Object payload);

  /** Like {@link #broadcast}, but not to this channel's own client. */
  void broadcastFrom(String event, Object payload);

  /**
   * Phoenix's {@code intercept}, switched on and off at run time: while {@code events} is not
   * empty, broadcasts on this channel's own topic leave the fastlane (written once for all
   * subscribers) for this channel only and go through its mailbox in publish order: those whose
   * event is in {@code events} to {@link Channel#handleOut}, the others to the client as they are.
   * A new non-empty set applies at once, to broadcasts already queued too.
   *
   * <p>An empty set puts the channel back on the fastlane once every broadcast already taken off it
   * has been handled, so the client gets the topic's broadcasts in publish order, each once, across
   * the switch. Called in {@link Channel#join}, it subscribes the channel to its topic at that
   * moment rather than after the join, so what is broadcast from then on is sure to arrive (after
   * the join reply): a channel can read state and hold back what the read already had.
   */
  void intercept(Set<String> events);

  /**
   * Subscribes this channel to another topic; its messages arrive in {@link Channel#handleInfo}.
   */
  void subscribe(String topic);

  void unsubscribe(String topic);

  /**
   * Broadcasts on this channel's own topic whose event is in {@code events} are no longer sent to
   * this client (the set replaces any earlier one; empty sends everything again). They are dropped
   * where they are delivered, before any encoding and without a trip through this channel's
   * mailbox, so a busy topic costs a client that skips its chatter nothing: for a client that asked
   * for less than everyone else gets, such as a presence summary instead of every {@code
   * presence_diff}. Pushes are never skipped. Any thread.
   */
  void skipBroadcasts(Set<String> events);

  /**
   * Queues {@code message} for this channel's own {@link Channel#handleInfo} (Phoenix: send(self(),
   * msg)).
   */
  void send(Object message);

  /**
   * Closes the connection this channel runs on with 1001, ending every channel on it, as {@link
   * Endpoint#disconnect} does for a connection with a socket id: for a connection that has none.
   * Any thread.
   */
  void disconnect();

  /** Runs {@code hook} once after this channel has ended and {@link Channel#terminate} ran. */
  void onExit(Consumer<ExitReason> hook);

  PubSub pubSub();
}
