package dev.rollcall.pubsub;

/**
 * Turns the messages one layer sends between nodes into bytes and back. Each layer (channels,
 * presence) registers its own under a unique {@link #kind()}; a node-crossing {@link PubSub}
 * refuses a message no codec claims.
 */
public interface MessageCodec {

  /** A short stable name, written on the wire before the bytes (for example {@code "bcast"}). */
  String kind();

  /** Whether this codec encodes {@code message}. */
  boolean handles(Object message);

  byte[] encode(Object message);

  /** Decodes bytes written by {@link #encode}; throws on anything else. */
  Object decode(byte[] bytes);
}
