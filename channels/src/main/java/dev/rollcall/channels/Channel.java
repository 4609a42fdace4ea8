package dev.rollcall.channels;

/**
 * A channel: one instance per joined topic per socket, like a Phoenix channel process.
 *
 * <p>Callbacks of one instance run one at a time, never concurrently, on a thread of their own
 * (they may block without stalling the network or other channels). An exception thrown by a
 * callback ends this channel only: the client gets {@code phx_error} and rejoins, {@link
 * #terminate} runs, its subscriptions and presences are removed.
 *
 * <p>Payloads are JSON values as Jackson reads them untyped ({@code Map}, {@code List}, {@code
 * String}, {@code Number}, {@code Boolean}, null), or {@code byte[]} for binary frames. Outgoing
 * payloads may be anything Jackson writes; pushes and broadcasts need a JSON object (a {@code Map}
 * or a record) or {@code byte[]}.
 */
public interface Channel {

  /** Decides whether the client may join {@code topic}; on error the channel ends at once. */
  JoinResult join(String topic, Object params, ChannelSocket socket) throws Exception;

  /**
   * A client push on this channel. The default refuses every event, which crashes the channel as an
   * unhandled event does in Phoenix.
   */
  default Reply handleIn(String event, Object payload, ChannelSocket socket) throws Exception {
    throw new UnhandledEventException(event);
  }

  /**
   * A message from elsewhere: {@link ChannelSocket#send} or a topic subscribed with {@link
   * ChannelSocket#subscribe}. The default pushes a {@link Broadcast} to the client as it is and
   * ignores anything else.
   */
  default void handleInfo(Object message, ChannelSocket socket) throws Exception {
    if (message instanceof Broadcast broadcast) {
      socket.push(broadcast.event(), broadcast.payload());
    }
  }

  /**
   * A broadcast on this channel's own topic whose event the channel intercepts ({@link
   * ChannelSocket#intercept}; Phoenix's {@code handle_out}), in publish order. The default pushes
   * it on, as a push with this channel's join_ref; not pushing it drops it for this client only.
   */
  default void handleOut(String event, Object payload, ChannelSocket socket) throws Exception {
    socket.push(event, payload);
  }

  /** Called once when the channel ends, however it ends (never after a refused join). */
  default void terminate(ExitReason reason, ChannelSocket socket) {}
}
