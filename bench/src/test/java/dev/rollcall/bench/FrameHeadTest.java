package dev.rollcall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.V2JsonSerializer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The byte scan agrees with the full decode wherever it answers, and never guesses. */
class FrameHeadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 200)
  void headAgreesWithTheDecode(@ForAll("pushes") Message message) throws IOException {
    byte[] frame = V2JsonSerializer.INSTANCE.encode(message).bytes();
    FrameHead head = FrameHead.scan(Unpooled.wrappedBuffer(frame));
    JsonNode tree = JSON.readTree(frame);
    boolean plain =
        !tree.get(2).toString().contains("\\") && !tree.get(3).toString().contains("\\");
    assertThat(head != null).as(new String(frame, StandardCharsets.UTF_8)).isEqualTo(plain);
    if (head != null) {
      assertThat(head.event()).isEqualTo(message.event());
      assertThat(head.eventIs(message.event())).isTrue();
      assertThat(head.eventIs(message.event() + "x")).isFalse();
      assertThat(JSON.readTree(slice(head.content(), head.payloadStart(), head.payloadEnd())))
          .isEqualTo(tree.get(4));
    }
  }

  @Property(tries = 200)
  void fieldValueFindsTheTopLevelField(@ForAll("objects") Map<String, Object> payload)
      throws IOException {
    byte[] buf = JSON.writeValueAsBytes(payload);
    int value = JsonScan.fieldValue(buf, 0, buf.length, "body");
    boolean escapedKey =
        payload.keySet().stream().anyMatch(k -> JSON.valueToTree(k).toString().contains("\\"));
    if (value == JsonScan.ABSENT) {
      assertThat(payload).doesNotContainKey("body");
    } else if (value < 0) {
      assertThat(escapedKey).isTrue();
    } else {
      int end = JsonScan.skipValue(buf, value, buf.length);
      assertThat(JSON.readTree(slice(buf, value, end)))
          .isEqualTo(JSON.readTree(JSON.writeValueAsString(payload.get("body"))));
    }
    if (!escapedKey) {
      assertThat(value == JsonScan.ABSENT).isEqualTo(!payload.containsKey("body"));
    }
  }

  /** A presence_count's count read from bytes is the decoded one, or the scan declines. */
  @Property(tries = 200)
  void countAgreesWithTheDecode(@ForAll("counts") Map<String, Object> payload) throws IOException {
    byte[] frame =
        V2JsonSerializer.INSTANCE
            .encode(new Message(null, null, "lobby", "presence_count", payload))
            .bytes();
    FrameHead head = FrameHead.scan(Unpooled.wrappedBuffer(frame));
    assertThat(head).isNotNull();
    long count = PresenceCountBody.count(head.content(), head.payloadStart(), head.payloadEnd());
    if (payload.get("count") instanceof Long n && n >= 0 && n < 1_000_000_000_000_000_000L) {
      assertThat(count).isEqualTo(n);
    } else {
      assertThat(count).isEqualTo(PresenceCountBody.UNKNOWN);
    }
  }

  @Provide
  Arbitrary<Map<String, Object>> counts() {
    Arbitrary<Object> count =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, Long.MAX_VALUE / 100).map(v -> (Object) v),
            Arbitraries.longs().between(Long.MIN_VALUE, -1).map(v -> (Object) v),
            json(1));
    Arbitrary<Map<String, Object>> byStatus =
        Arbitraries.maps(text(8), Arbitraries.longs().map(v -> (Object) v)).ofMaxSize(3);
    return Combinators.combine(count, byStatus, Arbitraries.of(true, false))
        .as(
            (n, groups, countFirst) -> {
              Map<String, Object> payload = new java.util.LinkedHashMap<>();
              if (!countFirst) {
                payload.put("by_status", groups);
              }
              payload.put("count", n);
              if (countFirst) {
                payload.put("by_status", groups);
              }
              return payload;
            });
  }

  @Property(tries = 200)
  void cutFramesAreNeverMisread(@ForAll("pushes") Message message, @ForAll int cut)
      throws IOException {
    byte[] frame = V2JsonSerializer.INSTANCE.encode(message).bytes();
    int length = Math.floorMod(cut, frame.length);
    FrameHead head = FrameHead.scan(Unpooled.wrappedBuffer(frame, 0, length));
    // A prefix of a frame is never a whole frame: the scan declines and the decode decides.
    assertThat(head).isNull();
  }

  @Test
  void notAV2Array() {
    for (String text :
        List.of(
            "",
            "{}",
            "[null,null,\"t\",\"e\"]",
            "[null,null,\"t\",\"e\",{},{}]",
            "[1,null,\"t\",\"e\",{}]",
            "[null,null,\"t\",\"\\u0065\",{}]",
            "[null,null,\"t\",\"e\",{}")) {
      assertThat(FrameHead.scan(utf8(text))).as(text).isNull();
    }
  }

  @Test
  void whiteSpaceAndStringRefsAreFine() {
    FrameHead head =
        FrameHead.scan(utf8(" [ \"1\" , \"2\" ,\"room:1\", \"new_msg\" , {\"a\": [1, \"]\"]} ] "));
    assertThat(head).isNotNull();
    assertThat(head.event()).isEqualTo("new_msg");
    assertThat(slice(head.content(), head.payloadStart(), head.payloadEnd()))
        .isEqualTo("{\"a\": [1, \"]\"]}");
  }

  private static ByteBuf utf8(String text) {
    return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String slice(byte[] buf, int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.UTF_8);
  }

  private static Arbitrary<String> text(int maxLength) {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().withChars(":_ ").ofMaxLength(maxLength),
        Arbitraries.strings()
            .withCharRange('\u0000', '\uD7FF')
            .withCharRange('\uE000', '\uFFFD')
            .ofMaxLength(maxLength));
  }

  private static Arbitrary<Object> json(int depth) {
    Arbitrary<Object> scalar =
        Arbitraries.oneOf(
            Arbitraries.just(null),
            Arbitraries.of(true, false).map(v -> (Object) v),
            Arbitraries.longs().map(v -> (Object) v),
            Arbitraries.doubles().ofScale(3).map(v -> (Object) v),
            text(20).map(v -> (Object) v));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<Object> list = json(depth - 1).list().ofMaxSize(4).map(l -> new ArrayList<>(l));
    return Arbitraries.integers()
        .between(0, 6)
        .flatMap(pick -> pick < 4 ? scalar : pick < 5 ? list : objects(depth - 1).map(m -> m));
  }

  private static Arbitrary<Map<String, Object>> objects(int depth) {
    Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.just("body"), text(8));
    return Arbitraries.maps(keys, json(depth)).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Map<String, Object>> objects() {
    return objects(3);
  }

  @Provide
  Arbitrary<Message> pushes() {
    Arbitrary<String> refs = Arbitraries.oneOf(Arbitraries.just(null), text(6));
    return Combinators.combine(refs, text(30), text(20), objects(3))
        .as((joinRef, topic, event, payload) -> new Message(joinRef, null, topic, event, payload));
  }
}
