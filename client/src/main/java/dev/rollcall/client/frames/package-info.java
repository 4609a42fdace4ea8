/**
 * The frame-level client: one connection, Phoenix V2 frames in and out, no rejoin, no presence, and
 * raw text frames handed to a listener without decoding, for load generators holding thousands of
 * connections per event loop and for protocol tests that assert exact frames. {@link
 * dev.rollcall.client.frames.PhoenixClient} owns the event loops and opens {@link
 * dev.rollcall.client.frames.ClientSocket}s. Applications want {@link dev.rollcall.client.Socket}.
 */
package dev.rollcall.client.frames;
