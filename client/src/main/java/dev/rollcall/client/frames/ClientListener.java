package dev.rollcall.client.frames;

import dev.rollcall.client.CloseStatus;
import dev.rollcall.protocol.Message;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Receives what a {@link ClientSocket} gets, on the socket's event loop: keep it short and never
 * block (hand heavy work to another thread).
 */
public interface ClientListener {

  /**
   * Offered every text frame before it is decoded (its bytes, valid during the call only); return
   * true when handled, and the frame is neither decoded nor passed to {@link #onMessage}. Lets a
   * listener that needs one field of a frequent event read it with a byte scan instead of building
   * the message (the load generator does, for thousands of sockets per process). Never claim a
   * {@code phx_reply}: its future would not complete.
   */
  default boolean onTextFrame(ClientSocket socket, ByteBuf content) {
    return false;
  }

  /** Every decoded frame, replies included (their futures complete first). */
  default void onMessage(ClientSocket socket, Message message) {}

  /** Every text frame, undecoded, when {@link SocketOptions#rawText()} is set. */
  default void onText(ClientSocket socket, String text) {}

  /**
   * Every text frame's bytes when {@link SocketOptions#rawText()} is set (valid during the call
   * only); by default decoded as UTF-8 for {@link #onText}.
   */
  default void onText(ClientSocket socket, ByteBuf content) {
    onText(socket, content.toString(StandardCharsets.UTF_8));
  }

  /** A frame the client cannot decode; the socket stays open. */
  default void onUndecodable(ClientSocket socket, String reason) {}

  /** The connection ended (once per socket): server close code, or 1006 without a close frame. */
  default void onClose(ClientSocket socket, CloseStatus status) {}
}
