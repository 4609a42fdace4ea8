package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round-trips for every direction each format allows, and total decoding of garbage. */
class SerializerPropertiesTest {

  @Property(tries = 300)
  void v2TextClientFramesRoundTrip(@ForAll("clientMessages") Message message)
      throws ProtocolException {
    Serializer.Encoded encoded = ClientSerializer.INSTANCE.encode(message);
    assertThat(encoded.binary()).isFalse();
    assertThat(V2JsonSerializer.INSTANCE.decodeText(utf8(encoded))).isEqualTo(message);
    assertThat(V2JsonSerializer.INSTANCE.decodeText(encoded.bytes())).isEqualTo(message);
  }

  @Property(tries = 300)
  void v2TextServerFramesRoundTrip(@ForAll("serverMessages") Message message)
      throws ProtocolException {
    Serializer.Encoded encoded = V2JsonSerializer.INSTANCE.encode(message);
    assertThat(encoded.binary()).isFalse();
    assertThat(ClientSerializer.INSTANCE.decodeText(utf8(encoded))).isEqualTo(message);
  }

  @Property(tries = 300)
  void v1FramesRoundTripWithoutJoinRef(@ForAll("clientMessages") Message message)
      throws ProtocolException {
    Serializer.Encoded encoded = V1JsonSerializer.INSTANCE.encode(message);
    var withoutJoinRef =
        new Message(null, message.ref(), message.topic(), message.event(), message.payload());
    assertThat(V1JsonSerializer.INSTANCE.decodeText(utf8(encoded))).isEqualTo(withoutJoinRef);
  }

  @Property(tries = 300)
  void binaryClientPushesRoundTrip(
      @ForAll("headerStrings") String joinRef,
      @ForAll("headerStrings") String ref,
      @ForAll("headerStrings") String topic,
      @ForAll("headerStrings") String event,
      @ForAll byte[] payload)
      throws ProtocolException {
    var sent = new Message(joinRef, ref, topic, event, payload);
    Serializer.Encoded encoded = ClientSerializer.INSTANCE.encode(sent);
    assertThat(encoded.binary()).isTrue();
    assertSameBinary(V2JsonSerializer.INSTANCE.decodeBinary(encoded.bytes()), sent);
  }

  @Property(tries = 300)
  void binaryServerFramesRoundTrip(
      @ForAll("headerStrings") String joinRef,
      @ForAll("headerStrings") String ref,
      @ForAll("headerStrings") String topic,
      @ForAll("headerStrings") String event,
      @ForAll byte[] payload)
      throws ProtocolException {
    var push = new Message(joinRef, null, topic, event, payload);
    assertSameBinary(decodeServerBinary(push), push);

    var broadcast = new Message(null, null, topic, event, payload);
    assertSameBinary(decodeServerBinary(broadcast), broadcast);

    var reply = new Message(joinRef, ref, topic, Message.REPLY, new ReplyPayload(event, payload));
    Message decoded = decodeServerBinary(reply);
    assertThat(decoded.joinRef()).isEqualTo(joinRef);
    assertThat(decoded.ref()).isEqualTo(ref);
    assertThat(decoded.event()).isEqualTo(Message.REPLY);
    assertThat(decoded.payload()).isInstanceOf(ReplyPayload.class);
    var decodedReply = (ReplyPayload) decoded.payload();
    assertThat(decodedReply.status()).isEqualTo(event);
    assertThat((byte[]) decodedReply.response()).isEqualTo(payload);
  }

  @Property(tries = 300)
  void decodingAnyTextGivesAMessageOrAProtocolError(@ForAll("garbageText") String text) {
    for (var decode :
        List.<ThrowingDecode>of(
            () -> V2JsonSerializer.INSTANCE.decodeText(text),
            () -> V2JsonSerializer.INSTANCE.decodeText(text.getBytes(StandardCharsets.UTF_8)),
            () -> V1JsonSerializer.INSTANCE.decodeText(text),
            () -> ClientSerializer.INSTANCE.decodeText(text))) {
      assertDecodesOrRefuses(decode);
    }
  }

  @Property(tries = 300)
  void decodingAnyBytesGivesAMessageOrAProtocolError(@ForAll("garbageBytes") byte[] bytes) {
    for (var decode :
        List.<ThrowingDecode>of(
            () -> V2JsonSerializer.INSTANCE.decodeBinary(bytes),
            () -> V2JsonSerializer.INSTANCE.decodeText(bytes),
            () -> V1JsonSerializer.INSTANCE.decodeBinary(bytes),
            () -> ClientSerializer.INSTANCE.decodeBinary(bytes),
            () -> ClientSerializer.INSTANCE.decodeText(bytes))) {
      assertDecodesOrRefuses(decode);
    }
  }

  interface ThrowingDecode {
    Message decode() throws ProtocolException;
  }

  private static void assertDecodesOrRefuses(ThrowingDecode decode) {
    try {
      assertThat(decode.decode()).isNotNull();
    } catch (ProtocolException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  private static Message decodeServerBinary(Message message) throws ProtocolException {
    Serializer.Encoded encoded = V2JsonSerializer.INSTANCE.encode(message);
    assertThat(encoded.binary()).isTrue();
    return ClientSerializer.INSTANCE.decodeBinary(encoded.bytes());
  }

  private static void assertSameBinary(Message actual, Message expected) {
    assertThat(actual.joinRef()).isEqualTo(expected.joinRef());
    assertThat(actual.ref()).isEqualTo(expected.ref());
    assertThat(actual.topic()).isEqualTo(expected.topic());
    assertThat(actual.event()).isEqualTo(expected.event());
    assertThat((byte[]) actual.payload()).isEqualTo((byte[]) expected.payload());
  }

  private static String utf8(Serializer.Encoded encoded) {
    return new String(encoded.bytes(), StandardCharsets.UTF_8);
  }

  // --- generators

  /** Text without lone surrogates (those are not UTF-8 encodable, so not JSON on the wire). */
  static Arbitrary<String> text(int maxLength) {
    return Arbitraries.strings()
        .withCharRange('\u0000', '\uD7FF')
        .withCharRange('\uE000', '\uFFFD')
        .ofMaxLength(maxLength);
  }

  @Provide
  Arbitrary<String> headerStrings() {
    return text(60); // ≤ 180 UTF-8 bytes, under the 255-byte header limit
  }

  private static Arbitrary<String> refs() {
    return Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(6),
        text(10));
  }

  static Arbitrary<Object> json(int depth) {
    List<Arbitrary<?>> scalars =
        List.of(
            Arbitraries.just(null),
            Arbitraries.of(true, false),
            Arbitraries.integers(),
            Arbitraries.longs().greaterOrEqual(Integer.MAX_VALUE + 1L),
            Arbitraries.doubles().ofScale(3),
            text(20));
    Arbitrary<Object> scalar =
        Arbitraries.oneOf(scalars.stream().map(a -> a.map(v -> (Object) v)).toList());
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<Object> list =
        json(depth - 1).list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
    Arbitrary<Object> object = jsonObject(depth - 1).map(m -> (Object) m);
    // Mostly scalars, so that nested values stay small.
    return Arbitraries.integers()
        .between(0, 6)
        .flatMap(pick -> pick < 4 ? scalar : pick < 5 ? list : object);
  }

  static Arbitrary<Map<String, Object>> jsonObject(int depth) {
    return Arbitraries.maps(text(8), json(depth)).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Message> clientMessages() {
    return Combinators.combine(refs(), refs(), text(30), text(20), json(3)).as(Message::new);
  }

  @Provide
  Arbitrary<Message> serverMessages() {
    Arbitrary<String> events = text(20).filter(e -> !e.equals(Message.REPLY));
    Arbitrary<Message> pushes =
        Combinators.combine(refs(), text(30), events, jsonObject(3))
            .as(
                (joinRef, topic, event, payload) ->
                    new Message(joinRef, null, topic, event, payload));
    Arbitrary<Message> replies =
        Combinators.combine(refs(), refs(), text(30), text(8), json(3))
            .as(
                (joinRef, ref, topic, status, response) ->
                    new Message(
                        joinRef, ref, topic, Message.REPLY, new ReplyPayload(status, response)));
    return Arbitraries.oneOf(pushes, replies);
  }

  /** Random text, and valid frames with one random cut or splice, which reach deeper paths. */
  @Provide
  Arbitrary<String> garbageText() {
    Arbitrary<String> valid = clientMessages().map(m -> utf8(ClientSerializer.INSTANCE.encode(m)));
    Arbitrary<String> cut =
        Combinators.combine(valid, Arbitraries.integers().between(0, 1000))
            .as((s, i) -> s.substring(0, Math.min(i, s.length())));
    Arbitrary<String> spliced =
        Combinators.combine(
                valid,
                Arbitraries.integers().between(0, 1000),
                Arbitraries.strings().ofMaxLength(3))
            .as(
                (s, i, junk) -> {
                  int at = Math.min(i, s.length());
                  return s.substring(0, at) + junk + s.substring(at);
                });
    Arbitrary<String> v1 =
        clientMessages()
            .map(m -> utf8(V1JsonSerializer.INSTANCE.encode(m)))
            .map(s -> s.replace("\"ref\"", "\"rf\""));
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(50), cut, spliced, v1);
  }

  @Provide
  Arbitrary<byte[]> garbageBytes() {
    Arbitrary<byte[]> pushes =
        Combinators.combine(
                headerStrings(),
                headerStrings(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8))
            .as(
                (t, e, p) ->
                    ClientSerializer.INSTANCE.encode(new Message("1", "2", t, e, p)).bytes());
    Arbitrary<byte[]> mutated =
        Combinators.combine(pushes, Arbitraries.integers().between(0, 400), Arbitraries.bytes())
            .as(
                (frame, i, b) -> {
                  byte[] copy = Arrays.copyOf(frame, Math.min(frame.length, i + 1));
                  copy[Math.min(i, copy.length - 1)] = b;
                  return copy;
                });
    return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(40), mutated);
  }
}
