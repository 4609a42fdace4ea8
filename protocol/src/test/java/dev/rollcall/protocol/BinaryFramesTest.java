package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The binary vectors of Phoenix's v2_json_serializer_test.exs ("binary encode"/"decode"). */
class BinaryFramesTest {
  private static final byte[] PAYLOAD = {101, 102, 103};

  private static byte[] bytes(Object... parts) {
    var out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof Integer b) {
        out.write(b);
      } else if (part instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.writeBytes((byte[]) part);
      }
    }
    return out.toByteArray();
  }

  @Test
  void encodesAServerPushWithoutRef() {
    var push = new Message("12", null, "topic", "event", PAYLOAD);
    Serializer.Encoded encoded = V2JsonSerializer.INSTANCE.encode(push);
    assertThat(encoded.binary()).isTrue();
    assertThat(encoded.bytes()).isEqualTo(bytes(0, 2, 5, 5, "12", "topic", "event", PAYLOAD));
  }

  @Test
  void encodesAReply() {
    var reply = new Message("12", "123", "topic", Message.REPLY, new ReplyPayload("ok", PAYLOAD));
    Serializer.Encoded encoded = V2JsonSerializer.INSTANCE.encode(reply);
    assertThat(encoded.binary()).isTrue();
    assertThat(encoded.bytes())
        .isEqualTo(bytes(1, 2, 3, 5, 2, "12", "123", "topic", "ok", PAYLOAD));
  }

  @Test
  void encodesABroadcast() {
    var broadcast = new Message(null, null, "topic", "event", PAYLOAD);
    assertThat(V2JsonSerializer.INSTANCE.encode(broadcast).bytes())
        .isEqualTo(bytes(2, 5, 5, "topic", "event", PAYLOAD));
  }

  @Test
  void decodesAClientPush() throws ProtocolException {
    Message message =
        V2JsonSerializer.INSTANCE.decodeBinary(
            bytes(0, 2, 3, 5, 5, "12", "123", "topic", "event", PAYLOAD));
    assertThat(message.joinRef()).isEqualTo("12");
    assertThat(message.ref()).isEqualTo("123");
    assertThat(message.topic()).isEqualTo("topic");
    assertThat(message.event()).isEqualTo("event");
    assertThat((byte[]) message.payload()).isEqualTo(PAYLOAD);
  }

  @Test
  void theClientWritesPushesTheServerReads() throws ProtocolException {
    byte[] frame =
        ClientSerializer.INSTANCE
            .encode(new Message("12", "123", "topic", "event", PAYLOAD))
            .bytes();
    assertThat(frame).isEqualTo(bytes(0, 2, 3, 5, 5, "12", "123", "topic", "event", PAYLOAD));
  }

  @Test
  void refusesOversizedHeaderFields() {
    String long256 = "t".repeat(256);
    assertThatThrownBy(
            () ->
                V2JsonSerializer.INSTANCE.encode(
                    new Message("12", null, long256, "event", PAYLOAD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unable to convert topic to binary: must be less than or equal to 255 bytes, but is 256 bytes");
    assertThatThrownBy(
            () ->
                V2JsonSerializer.INSTANCE.encode(
                    new Message("12", null, "topic", long256, PAYLOAD)))
        .hasMessageStartingWith("unable to convert event to binary");
    assertThatThrownBy(
            () ->
                V2JsonSerializer.INSTANCE.encode(new Message(long256, null, "topic", "e", PAYLOAD)))
        .hasMessageStartingWith("unable to convert join_ref to binary");
    assertThatThrownBy(
            () ->
                V2JsonSerializer.INSTANCE.encode(
                    new Message(
                        "12", long256, "topic", Message.REPLY, new ReplyPayload("ok", PAYLOAD))))
        .hasMessageStartingWith("unable to convert ref to binary");
    assertThatThrownBy(
            () -> V2JsonSerializer.INSTANCE.encode(new Message(null, null, long256, "e", PAYLOAD)))
        .hasMessageStartingWith("unable to convert topic to binary");
    String max = "t".repeat(255);
    assertThat(V2JsonSerializer.INSTANCE.encode(new Message(null, null, max, "e", PAYLOAD)).bytes())
        .hasSize(1 + 2 + 255 + 1 + 3);
  }

  @Test
  void refusesFramesThatAreNotClientPushes() {
    assertRefused(new byte[0], "empty binary frame");
    assertRefused(
        bytes(1, 2, 3, 5, 2, "12", "123", "topic", "ok"), "unexpected binary frame kind 1");
    assertRefused(bytes(2, 5, 5, "topic", "event"), "unexpected binary frame kind 2");
    assertRefused(bytes(0, 2, 3), "truncated binary frame header");
    assertRefused(bytes(0, 2, 3, 5, 5, "12", "123", "top"), "truncated binary frame: topic");
    assertRefused(
        bytes(0, 1, 0, 1, 1, new byte[] {(byte) 0xC3}, "t", "e"), "invalid UTF-8 in join_ref");
    assertRefused(
        "[\"1\",\"1\",\"t\",\"e\",{}]".getBytes(StandardCharsets.UTF_8),
        "unexpected binary frame kind 91");
  }

  private static void assertRefused(byte[] frame, String reason) {
    assertThatThrownBy(() -> V2JsonSerializer.INSTANCE.decodeBinary(frame))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(reason);
  }

  @Test
  void emptyRefsReadBackAsEmptyStrings() throws ProtocolException {
    Message message = V2JsonSerializer.INSTANCE.decodeBinary(bytes(0, 0, 0, 1, 1, "t", "e"));
    assertThat(message.joinRef()).isEmpty();
    assertThat(message.ref()).isEmpty();
    assertThat((byte[]) message.payload()).isEmpty();
  }
}
