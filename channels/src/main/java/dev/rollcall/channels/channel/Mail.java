package dev.rollcall.channels.channel;

import dev.rollcall.channels.ExitReason;
import dev.rollcall.channels.protocol.Message;

/** What a {@link ChannelProcess} mailbox holds; each one is handled by one callback. */
sealed interface Mail {

  /** {@code phx_join}: runs {@code Channel.join}. */
  record Join(Object params, String ref) implements Mail {}

  /** A client push: runs {@code Channel.handleIn}. */
  record In(Message message) implements Mail {}

  /** {@code phx_leave}: reply ok, terminate, {@code phx_close}. */
  record Leave(Message message) implements Mail {}

  /** A message from {@code send} or a subscribed topic: runs {@code Channel.handleInfo}. */
  record Info(Object message) implements Mail {}

  /** Ends the channel without a frame of its own (duplicate join, socket gone, shutdown). */
  record Stop(ExitReason reason) implements Mail {}
}
