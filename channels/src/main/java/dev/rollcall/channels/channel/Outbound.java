package dev.rollcall.channels.channel;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.pubsub.Delivery;

/**
 * The way out to one client, implemented by the transport. Thread-safe: any thread may call it, and
 * what one thread writes, executes and closes reaches the client in that order.
 */
public interface Outbound {

  /** The serializer this client negotiated with {@code vsn}. */
  Serializer serializer();

  /** Encodes {@code message} on the calling thread and queues it for the client. */
  void write(Message message);

  /**
   * Queues a broadcast encoded once per serializer for every subscriber of {@code delivery}
   * (fastlane): the per-client work is a write, not an encode.
   */
  void writeBroadcast(Delivery delivery, Broadcast broadcast);

  /** Runs {@code task} on the connection's I/O thread, after everything queued before it. */
  void execute(Runnable task);

  /**
   * Sends a WebSocket close frame with {@code code} after everything queued before it, then closes
   * the connection; later writes are dropped.
   */
  void close(int code, String reason);
}
