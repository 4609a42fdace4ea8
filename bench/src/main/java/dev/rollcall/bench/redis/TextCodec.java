package dev.rollcall.bench.redis;

import dev.rollcall.pubsub.MessageCodec;
import java.nio.charset.StandardCharsets;

/** Strings between nodes, UTF-8: the measurements' message type. */
final class TextCodec implements MessageCodec {
  @Override
  public String kind() {
    return "text";
  }

  @Override
  public boolean handles(Object message) {
    return message instanceof String;
  }

  @Override
  public byte[] encode(Object message) {
    return ((String) message).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Object decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
