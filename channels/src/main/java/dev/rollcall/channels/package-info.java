/**
 * The Phoenix Channels server: what a user of Rollcall writes against.
 *
 * <p>A user implements {@link dev.rollcall.channels.Channel} (like {@code use Phoenix.Channel}),
 * declares a {@link dev.rollcall.channels.Socket} (routes, connect, id; like a Phoenix {@code
 * UserSocket}) and serves it with an {@link dev.rollcall.channels.Endpoint}. The wire protocol,
 * transports and channel processes live in internal packages.
 */
package dev.rollcall.channels;
