/**
 * A small Phoenix Channels client (V2) on Netty, like Phoenix's {@code websocket_client.exs}: used
 * by tests to speak the protocol frame by frame and by the load generator to hold many connections
 * per event loop.
 *
 * <p>{@link dev.rollcall.client.PhoenixClient} owns the event loops and opens {@link
 * dev.rollcall.client.ClientSocket}s; each socket joins, leaves, pushes with reply futures, sends
 * heartbeats, and hands received frames to a {@link dev.rollcall.client.ClientListener} or to its
 * own mailbox with {@code expect} helpers.
 */
package dev.rollcall.client;
