package dev.rollcall.channels.channel;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.ExitReason;
import dev.rollcall.protocol.Message;
import dev.rollcall.pubsub.Delivery;

/** What a {@link ChannelProcess} mailbox holds; each one is handled by one callback. */
sealed interface Mail {

  /**
   * Mail read from the client's socket: counted against the socket's {@code maxQueuedInbound} from
   * the moment it is queued until its mailbox has taken it out, handled or not.
   */
  sealed interface FromClient extends Mail {}

  /**
   * {@code phx_join}: runs {@code Channel.join}. {@code readNanos}: when its frame was read, for
   * the endpoint's observer.
   */
  record Join(Object params, String ref, long readNanos) implements FromClient {}

  /** A client push: runs {@code Channel.handleIn}. {@code readNanos}: as for {@link Join}. */
  record In(Message message, long readNanos) implements FromClient {}

  /** {@code phx_leave}: reply ok, terminate, {@code phx_close}. */
  record Leave(Message message) implements FromClient {}

  /** A message from {@code send} or a subscribed topic: runs {@code Channel.handleInfo}. */
  record Info(Object message) implements Mail {}

  /**
   * A broadcast on the channel's own topic taken off the fastlane while the channel intercepts:
   * runs {@code Channel.handleOut} for an intercepted event, else goes to the client as it is.
   */
  record Out(Delivery delivery, Broadcast broadcast) implements Mail {}

  /** Ends the channel without a frame of its own (duplicate join, socket gone, shutdown). */
  record Stop(ExitReason reason) implements Mail {}
}
