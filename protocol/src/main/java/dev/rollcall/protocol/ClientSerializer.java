package dev.rollcall.protocol;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.Map;

/**
 * The client's side of V2, the mirror of {@link V2JsonSerializer}: encodes what phoenix.js sends
 * (text arrays, binary pushes of kind 0) and decodes what a server sends (text arrays, binary
 * push/reply/broadcast). Used by the Java client, the load generator and tests. Stateless.
 *
 * <p>A decoded {@code phx_reply} whose payload is {@code {"status": s, "response": r}} becomes a
 * {@link ReplyPayload}, so replies compare equal to what the server encoded.
 */
public final class ClientSerializer {
  public static final ClientSerializer INSTANCE = new ClientSerializer();

  private ClientSerializer() {}

  /** A client frame: binary (kind 0) when the payload is byte[], else a JSON array. */
  public Serializer.Encoded encode(Message message) {
    if (message.payload() instanceof byte[]) {
      return new Serializer.Encoded(true, BinaryFrames.encodeClientPush(message));
    }
    return new Serializer.Encoded(false, V2JsonSerializer.encodeArray(message));
  }

  public Message decodeText(String text) throws ProtocolException {
    try (JsonParser parser = Json.parser(text)) {
      return asReply(V2JsonSerializer.decode(parser));
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("invalid JSON");
    }
  }

  public Message decodeText(byte[] utf8) throws ProtocolException {
    try (JsonParser parser = Json.parser(utf8)) {
      return asReply(V2JsonSerializer.decode(parser));
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("invalid JSON");
    }
  }

  public Message decodeBinary(byte[] bytes) throws ProtocolException {
    return BinaryFrames.decodeServer(bytes);
  }

  private static Message asReply(Message message) {
    if (Message.REPLY.equals(message.event())
        && message.payload() instanceof Map<?, ?> map
        && map.size() == 2
        && map.get("status") instanceof String status
        && map.containsKey("response")) {
      return new Message(
          message.joinRef(),
          message.ref(),
          message.topic(),
          message.event(),
          new ReplyPayload(status, map.get("response")));
    }
    return message;
  }
}
