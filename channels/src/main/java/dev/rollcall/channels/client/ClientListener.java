package dev.rollcall.channels.client;

import dev.rollcall.channels.protocol.Message;

/**
 * Receives what a {@link ClientSocket} gets, on the socket's event loop: keep it short and never
 * block (hand heavy work to another thread).
 */
public interface ClientListener {

  /** Every decoded frame, replies included (their futures complete first). */
  default void onMessage(ClientSocket socket, Message message) {}

  /** Every text frame, undecoded, when {@link SocketOptions#rawText()} is set. */
  default void onText(ClientSocket socket, String text) {}

  /** A frame the client cannot decode; the socket stays open. */
  default void onUndecodable(ClientSocket socket, String reason) {}

  /** The connection ended (once per socket): server close code, or 1006 without a close frame. */
  default void onClose(ClientSocket socket, CloseStatus status) {}
}
