/**
 * Channel processes (internal): the per-connection protocol state of Phoenix.Socket ({@link
 * dev.rollcall.channels.channel.SocketSession}) and one serial mailbox per joined topic ({@link
 * dev.rollcall.channels.channel.ChannelProcess}), after Phoenix.Channel.Server. Knows nothing of
 * Netty: it writes through {@link dev.rollcall.channels.channel.Outbound}.
 */
package dev.rollcall.channels.channel;
