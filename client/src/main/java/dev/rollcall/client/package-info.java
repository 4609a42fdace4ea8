/**
 * A Phoenix Channels client for the JVM, shaped like phoenix.js.
 *
 * <p>{@link dev.rollcall.client.Socket} keeps a connection to an endpoint (heartbeats, reconnect
 * with backoff); {@link dev.rollcall.client.Channel}s join topics on it and rejoin after errors;
 * {@link dev.rollcall.client.Push} carries one message and its {@code ok}/{@code error}/{@code
 * timeout} reply; {@link dev.rollcall.client.Presence} keeps a channel's presences in sync with
 * phoenix.js's algorithm. {@link dev.rollcall.client.SocketConfig} holds every duration and
 * backoff. Callbacks run on the socket's event loop thread; see {@code docs/client.md}.
 *
 * <p>{@link dev.rollcall.client.frames.PhoenixClient} and {@link
 * dev.rollcall.client.frames.ClientSocket} are a frame-level client without reconnect or channels,
 * for protocol tests and the load generator (which reads hot frames from their bytes through {@link
 * dev.rollcall.client.frames.ClientListener#onTextFrame}). The implementation of {@code Socket}
 * lives in {@code dev.rollcall.client.internal}, which is not part of the API.
 */
package dev.rollcall.client;
