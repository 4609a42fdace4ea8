package dev.rollcall.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * V2 ({@code vsn=2.0.x}, the phoenix.js default): text frames are JSON arrays {@code [join_ref,
 * ref, topic, event, payload]}, binary frames carry byte[] payloads (see {@link BinaryFrames}).
 * Stateless: one {@link #INSTANCE} serves every connection.
 *
 * <p>Decoding follows Phoenix's {@code [join_ref, ref, topic, event, payload | _]}: extra trailing
 * elements are ignored, fewer than five is an error. topic and event must be strings; refs are
 * strings or null, and an integer ref is accepted as its decimal string.
 */
public final class V2JsonSerializer implements Serializer {
  public static final V2JsonSerializer INSTANCE = new V2JsonSerializer();

  private V2JsonSerializer() {}

  @Override
  public String vsn() {
    return "2.0.0";
  }

  @Override
  public Message decodeText(String text) throws ProtocolException {
    try (JsonParser parser = Json.parser(text)) {
      return decode(parser);
    } catch (IOException | RuntimeException e) {
      // Jackson's own errors (syntax, EOF, number and nesting limits) all mean the same to a peer.
      throw new ProtocolException("invalid JSON");
    }
  }

  /** Decodes a V2 text frame given as UTF-8 bytes (skips a String copy on the hot path). */
  public Message decodeText(byte[] utf8) throws ProtocolException {
    try (JsonParser parser = Json.parser(utf8)) {
      return decode(parser);
    } catch (IOException | RuntimeException e) {
      // Jackson's own errors (syntax, EOF, number and nesting limits) all mean the same to a peer.
      throw new ProtocolException("invalid JSON");
    }
  }

  @Override
  public Message decodeBinary(byte[] bytes) throws ProtocolException {
    return BinaryFrames.decodeClientPush(bytes);
  }

  @Override
  public Encoded encode(Message message) {
    if (isBinary(message)) {
      return new Encoded(true, BinaryFrames.encodeServer(message));
    }
    return new Encoded(false, encodeArray(message));
  }

  /** Whether a message must travel as a binary frame: its payload or reply response is bytes. */
  static boolean isBinary(Message message) {
    return message.payload() instanceof byte[]
        || (message.payload() instanceof ReplyPayload reply && reply.response() instanceof byte[]);
  }

  /** The JSON array of any message, either direction; a ReplyPayload becomes {response, status}. */
  static byte[] encodeArray(Message message) {
    return Json.encode(
        generator -> {
          generator.writeStartArray();
          generator.writeString(message.joinRef());
          generator.writeString(message.ref());
          generator.writeString(message.topic());
          generator.writeString(message.event());
          writePayload(generator, message.payload());
          generator.writeEndArray();
        });
  }

  /** Phoenix's key order ("response" before "status", as Jason writes small maps). */
  static void writePayload(JsonGenerator generator, Object payload) throws IOException {
    if (payload instanceof ReplyPayload reply) {
      generator.writeStartObject();
      generator.writeFieldName("response");
      Json.writeValue(generator, reply.response());
      generator.writeStringField("status", reply.status());
      generator.writeEndObject();
    } else {
      Json.writeValue(generator, payload);
    }
  }

  /** Reads one array frame; the payload stays plain JSON values (a reply is a Map here). */
  static Message decode(JsonParser parser) throws IOException, ProtocolException {
    JsonToken first = parser.nextToken();
    if (first != JsonToken.START_ARRAY) {
      throw new ProtocolException("expected a JSON array, got " + Json.describe(first));
    }
    String joinRef = null;
    String ref = null;
    String topic = null;
    String event = null;
    Object payload = null;
    int count = 0;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      if (token == null) {
        throw new ProtocolException("invalid JSON");
      }
      switch (count) {
        case 0 -> joinRef = Json.readRef(parser, "join_ref");
        case 1 -> ref = Json.readRef(parser, "ref");
        case 2 -> topic = Json.readString(parser, "topic");
        case 3 -> event = Json.readString(parser, "event");
        case 4 -> payload = Json.readValue(parser);
        default -> parser.skipChildren(); // ignored, as Phoenix's "| _"
      }
      count++;
    }
    if (count < 5) {
      throw new ProtocolException("expected a JSON array of 5 elements, got " + count);
    }
    Json.expectEnd(parser);
    return new Message(joinRef, ref, topic, event, payload);
  }
}
