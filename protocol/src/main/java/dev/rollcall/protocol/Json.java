package dev.rollcall.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one Jackson setup every JSON serializer shares. Stateless and thread-safe (ObjectMapper is,
 * once configured).
 *
 * <p>Payloads decode to plain values (LinkedHashMap, ArrayList, String, Integer/Long/BigInteger,
 * Double, Boolean, null) and encode from anything Jackson can write, including {@link
 * com.fasterxml.jackson.databind.util.RawValue} for JSON that is already encoded.
 */
final class Json {
  // Defaults on purpose: duplicate keys keep the last value (as Jason does for Phoenix), nesting
  // is capped by Jackson's StreamReadConstraints (1000 levels), so a hostile frame cannot overflow
  // the stack. Buffers come from one shared pool, not Jackson's default thread-local one: channel
  // callbacks encode on virtual threads that live for one mailbox drain, so a thread-local pool
  // allocated ~24 KB of fresh buffers for nearly every frame they wrote.
  static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
              .build());

  private Json() {}

  /** The writer side of one encode: a generator over a growable buffer. */
  interface Body {
    void write(JsonGenerator generator) throws IOException;
  }

  static byte[] encode(Body body) {
    try (ByteArrayBuilder buffer = new ByteArrayBuilder(256)) {
      try (JsonGenerator generator =
          MAPPER.getFactory().createGenerator(buffer, JsonEncoding.UTF8)) {
        body.write(generator);
      }
      return buffer.toByteArray();
    } catch (IOException e) {
      // Only a payload Jackson cannot serialize gets here: a server bug, not bad input.
      throw new UncheckedIOException("payload is not JSON-serializable: " + e.getMessage(), e);
    }
  }

  /**
   * Writes plain JSON values (the usual payloads) straight to the generator, copies the bytes of an
   * {@link EncodedJson} (before it is looked at as a Map or List), and hands anything else
   * (records, beans, RawValue) to databind, which is several times slower per call.
   */
  static void writeValue(JsonGenerator generator, Object value) throws IOException {
    switch (value) {
      case null -> generator.writeNull();
      case String string -> generator.writeString(string);
      case EncodedJson encoded -> generator.writeRawValue(new RawJson(encoded.json()));
      case Map<?, ?> map -> {
        generator.writeStartObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          generator.writeFieldName(String.valueOf(entry.getKey()));
          writeValue(generator, entry.getValue());
        }
        generator.writeEndObject();
      }
      case List<?> list -> {
        generator.writeStartArray();
        for (Object element : list) {
          writeValue(generator, element);
        }
        generator.writeEndArray();
      }
      case Integer number -> generator.writeNumber(number);
      case Long number -> generator.writeNumber(number);
      case Double number -> generator.writeNumber(number);
      case Boolean bool -> generator.writeBoolean(bool);
      default -> MAPPER.writeValue(generator, value);
    }
  }

  static JsonParser parser(String text) throws IOException {
    return MAPPER.getFactory().createParser(text);
  }

  static JsonParser parser(byte[] bytes) throws IOException {
    return MAPPER.getFactory().createParser(bytes);
  }

  /**
   * Reads the value whose first token is the parser's current token, as databind's untyped reader
   * would (LinkedHashMap, ArrayList, String, Integer/Long/BigInteger, Double, Boolean, null) but
   * without its per-call setup. Depth is bounded by the parser's nesting limit.
   */
  static Object readValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new JsonParseException(parser, "unexpected end of input");
    }
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
          parser.nextToken();
          map.put(key, readValue(parser));
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
          throw new JsonParseException(parser, "unterminated object");
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken next = parser.nextToken();
            next != JsonToken.END_ARRAY;
            next = parser.nextToken()) {
          if (next == null) {
            throw new JsonParseException(parser, "unterminated array");
          }
          list.add(readValue(parser));
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new JsonParseException(parser, "unexpected " + token);
    };
  }

  /** After the top-level value: anything but end of input is an error. */
  static void expectEnd(JsonParser parser) throws IOException, ProtocolException {
    if (parser.nextToken() != null) {
      throw new ProtocolException("trailing data after the JSON value");
    }
  }

  /**
   * A ref or join_ref: a string, null, or an integer given back in its decimal string form
   * (phoenix.js always sends strings; Phoenix would echo a number as a number, Rollcall as a
   * string).
   */
  static String readRef(JsonParser parser, String field) throws IOException, ProtocolException {
    JsonToken token = parser.currentToken();
    return switch (token) {
      case VALUE_STRING -> parser.getText();
      case VALUE_NULL -> null;
      case VALUE_NUMBER_INT -> parser.getBigIntegerValue().toString();
      default -> throw new ProtocolException(field + " must be a string or null");
    };
  }

  static String readString(JsonParser parser, String field) throws IOException, ProtocolException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw new ProtocolException(field + " must be a string");
    }
    return parser.getText();
  }

  static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString();
    };
  }
}
