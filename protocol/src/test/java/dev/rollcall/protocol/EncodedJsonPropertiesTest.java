package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A value that carries its JSON ({@link EncodedJson}) is written as exactly the bytes its plain
 * form gives, wherever it sits in a frame, with every serializer.
 */
class EncodedJsonPropertiesTest {

  @Property(tries = 300)
  void preEncodedValuesGiveTheSameFramesAsPlainOnes(
      @ForAll("payloads") Object payload, @ForAll long seed) {
    Object preEncoded = preEncode(payload, new Random(seed));
    for (Serializer serializer : List.of(V2JsonSerializer.INSTANCE, V1JsonSerializer.INSTANCE)) {
      assertThat(utf8(serializer.encode(message(preEncoded))))
          .isEqualTo(utf8(serializer.encode(message(payload))));
    }
    assertThat(utf8(ClientSerializer.INSTANCE.encode(message(preEncoded))))
        .isEqualTo(utf8(ClientSerializer.INSTANCE.encode(message(payload))));
    assertThat(utf8(V2JsonSerializer.INSTANCE.encode(reply(preEncoded))))
        .isEqualTo(utf8(V2JsonSerializer.INSTANCE.encode(reply(payload))));
  }

  @Test
  void theBytesAreCopiedNotTheMapWalked() {
    Map<String, Object> plain = new LinkedHashMap<>();
    plain.put("metas", List.of(Map.of("phx_ref", "F1é\u0001")));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("hero", new EncodedMap(plain, new Random(1)));
    payload.put("other", 1);
    assertThat(utf8(V2JsonSerializer.INSTANCE.encode(message(payload))))
        .isEqualTo(
            "[null,null,\"room:lobby\",\"presence_state\","
                + "{\"hero\":{\"metas\":[{\"phx_ref\":\"F1é\\u0001\"}]},\"other\":1}]");
  }

  private static Message message(Object payload) {
    return new Message(null, null, "room:lobby", "presence_state", payload);
  }

  private static Message reply(Object response) {
    return new Message("1", "2", "room:lobby", Message.REPLY, new ReplyPayload("ok", response));
  }

  private static String utf8(Serializer.Encoded encoded) {
    return new String(encoded.bytes(), StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<Object> payloads() {
    return SerializerPropertiesTest.json(4);
  }

  /** The same value with a random half of its maps and lists carrying their JSON. */
  private static Object preEncode(Object value, Random random) {
    return switch (value) {
      case Map<?, ?> map -> {
        Map<String, Object> children = new LinkedHashMap<>();
        map.forEach((k, v) -> children.put((String) k, preEncode(v, random)));
        yield random.nextBoolean() ? new EncodedMap(children, random) : children;
      }
      case List<?> list -> {
        List<Object> children = new ArrayList<>();
        list.forEach(v -> children.add(preEncode(v, random)));
        yield random.nextBoolean() ? new EncodedList(children) : children;
      }
      case null -> null;
      default -> value;
    };
  }

  /**
   * A map whose entries cannot be walked: only its bytes can be written. Encoded at construction or
   * on first use, as implementations may.
   */
  private static final class EncodedMap extends AbstractMap<String, Object> implements EncodedJson {
    private final Map<String, Object> plain;
    private byte[] json;

    EncodedMap(Map<String, Object> plain, Random random) {
      this.plain = plain;
      this.json = random.nextBoolean() ? EncodedJson.encode(plain) : null;
    }

    @Override
    public synchronized byte[] json() {
      if (json == null) {
        json = EncodedJson.encode(plain);
      }
      return json;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      throw new UnsupportedOperationException("only the bytes may be written");
    }
  }

  private static final class EncodedList extends AbstractList<Object> implements EncodedJson {
    private final byte[] json;

    EncodedList(List<Object> plain) {
      this.json = EncodedJson.encode(plain);
    }

    @Override
    public byte[] json() {
      return json;
    }

    @Override
    public Object get(int index) {
      throw new UnsupportedOperationException("only the bytes may be written");
    }

    @Override
    public int size() {
      throw new UnsupportedOperationException("only the bytes may be written");
    }
  }
}
