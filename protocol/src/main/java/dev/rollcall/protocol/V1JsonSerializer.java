package dev.rollcall.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * V1 ({@code vsn=1.0.x}, or no vsn at all): text frames are JSON objects. Stateless: one {@link
 * #INSTANCE} serves every connection.
 *
 * <p>A client frame must have the keys topic, event, payload and ref (values may be null, except
 * topic and event, which must be strings); join_ref is optional; other keys are ignored. The server
 * writes only {@code {"event","payload","ref","topic"}} (in Phoenix's key order): V1 never sends
 * join_ref. V1 has no binary frames.
 */
public final class V1JsonSerializer implements Serializer {
  public static final V1JsonSerializer INSTANCE = new V1JsonSerializer();

  private V1JsonSerializer() {}

  @Override
  public String vsn() {
    return "1.0.0";
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

  @Override
  public Message decodeBinary(byte[] bytes) throws ProtocolException {
    throw new ProtocolException("binary frames need vsn 2.0.0");
  }

  @Override
  public Encoded encode(Message message) {
    if (V2JsonSerializer.isBinary(message)) {
      throw new IllegalArgumentException("V1 cannot carry a binary payload");
    }
    return new Encoded(
        false,
        Json.encode(
            generator -> {
              generator.writeStartObject();
              generator.writeStringField("event", message.event());
              generator.writeFieldName("payload");
              V2JsonSerializer.writePayload(generator, message.payload());
              generator.writeStringField("ref", message.ref());
              generator.writeStringField("topic", message.topic());
              generator.writeEndObject();
            }));
  }

  private static Message decode(JsonParser parser) throws IOException, ProtocolException {
    JsonToken first = parser.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new ProtocolException("expected a JSON object, got " + Json.describe(first));
    }
    String joinRef = null;
    String ref = null;
    String topic = null;
    String event = null;
    Object payload = null;
    boolean hasRef = false;
    boolean hasTopic = false;
    boolean hasEvent = false;
    boolean hasPayload = false;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_OBJECT;
        token = parser.nextToken()) {
      if (token != JsonToken.FIELD_NAME) {
        throw new ProtocolException("invalid JSON");
      }
      String key = parser.currentName();
      parser.nextToken();
      switch (key) {
        case "join_ref" -> joinRef = Json.readRef(parser, "join_ref");
        case "ref" -> {
          ref = Json.readRef(parser, "ref");
          hasRef = true;
        }
        case "topic" -> {
          topic = Json.readString(parser, "topic");
          hasTopic = true;
        }
        case "event" -> {
          event = Json.readString(parser, "event");
          hasEvent = true;
        }
        case "payload" -> {
          payload = Json.readValue(parser);
          hasPayload = true;
        }
        default -> parser.skipChildren();
      }
    }
    Json.expectEnd(parser);
    // Phoenix's Message.from_map! checks the keys in this order.
    if (!hasTopic) {
      throw new ProtocolException("missing key \"topic\"");
    }
    if (!hasEvent) {
      throw new ProtocolException("missing key \"event\"");
    }
    if (!hasPayload) {
      throw new ProtocolException("missing key \"payload\"");
    }
    if (!hasRef) {
      throw new ProtocolException("missing key \"ref\"");
    }
    return new Message(joinRef, ref, topic, event, payload);
  }
}
