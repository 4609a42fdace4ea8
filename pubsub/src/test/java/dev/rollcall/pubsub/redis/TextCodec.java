package dev.rollcall.pubsub.redis;

import dev.rollcall.pubsub.MessageCodec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Carries {@code String} messages between nodes in tests; refuses bytes that are not UTF-8. */
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
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8", e);
    }
  }
}
