/**
 * What the spec tests and the Node conformance suite share: the test socket ({@link
 * dev.rollcall.channels.testing.TestSocket} with its {@link
 * dev.rollcall.channels.testing.RoomChannel}), a raw WebSocket client that expects exact frames
 * ({@link dev.rollcall.channels.testing.WsClient}), frames per protocol version ({@link
 * dev.rollcall.channels.testing.Vsn}) and a running endpoint on a free port.
 */
package dev.rollcall.channels.testing;
