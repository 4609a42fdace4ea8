package dev.rollcall.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact frames, after Phoenix's test/phoenix/socket/v2_json_serializer_test.exs. */
class V2JsonSerializerTest {
  private final Serializer serializer = V2JsonSerializer.INSTANCE;

  private static String text(Serializer.Encoded encoded) {
    assertThat(encoded.binary()).isFalse();
    return new String(encoded.bytes(), UTF_8);
  }

  @Test
  void encodesABroadcastWithNullRefs() {
    var message = new Message(null, null, "t", "e", Map.of("m", 1));
    assertThat(text(serializer.encode(message))).isEqualTo("[null,null,\"t\",\"e\",{\"m\":1}]");
  }

  @Test
  void encodesAPushWithItsJoinRef() {
    var message =
        new Message("1", null, "notifications:lobby", "user_info", Map.of("user_name", "X"));
    assertThat(text(serializer.encode(message)))
        .isEqualTo("[\"1\",null,\"notifications:lobby\",\"user_info\",{\"user_name\":\"X\"}]");
  }

  @Test
  void encodesAReplyAsResponseThenStatus() {
    var message =
        new Message(
            "1", "1", "notifications:lobby", Message.REPLY, new ReplyPayload("ok", Map.of()));
    assertThat(text(serializer.encode(message)))
        .isEqualTo(
            "[\"1\",\"1\",\"notifications:lobby\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
  }

  @Test
  void encodesAHeartbeatReply() {
    var message =
        new Message(null, "5", "phoenix", Message.REPLY, new ReplyPayload("ok", Map.of()));
    assertThat(text(serializer.encode(message)))
        .isEqualTo("[null,\"5\",\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
  }

  @Test
  void decodesAMessage() throws ProtocolException {
    assertThat(serializer.decodeText("[null,null,\"t\",\"e\",{\"m\":1}]"))
        .isEqualTo(new Message(null, null, "t", "e", Map.of("m", 1)));
    assertThat(
            serializer.decodeText(
                "[\"1\",\"1\",\"room:x\",\"phx_join\",{\"a\":[1,2.5,true,null,\"s\"]}]"))
        .isEqualTo(
            new Message(
                "1",
                "1",
                "room:x",
                "phx_join",
                Map.of("a", java.util.Arrays.asList(1, 2.5, true, null, "s"))));
  }

  @Test
  void decodesUtf8Bytes() throws ProtocolException {
    byte[] frame = "[\"1\",\"2\",\"t\",\"e\",\"ü\"]".getBytes(UTF_8);
    assertThat(V2JsonSerializer.INSTANCE.decodeText(frame))
        .isEqualTo(new Message("1", "2", "t", "e", "ü"));
  }

  @Test
  void ignoresExtraTrailingElements() throws ProtocolException {
    assertThat(serializer.decodeText("[\"1\",\"2\",\"t\",\"e\",{},\"extra\",[1,{\"x\":2}]]"))
        .isEqualTo(new Message("1", "2", "t", "e", Map.of()));
  }

  @Test
  void turnsAnIntegerRefIntoItsString() throws ProtocolException {
    assertThat(serializer.decodeText("[null,2,\"phoenix\",\"heartbeat\",{}]"))
        .isEqualTo(new Message(null, "2", "phoenix", "heartbeat", Map.of()));
  }

  @Test
  void refusesFramesThatAreNotMessages() {
    assertRefused("not json", "invalid JSON");
    assertRefused("", "expected a JSON array, got nothing");
    assertRefused("[\"1\",\"1\",\"t\",\"e\",{}", "invalid JSON");
    assertRefused("{\"topic\":\"t\"}", "expected a JSON array, got an object");
    assertRefused("\"text\"", "expected a JSON array, got a string");
    assertRefused("[\"1\",\"1\",\"t\",\"e\"]", "expected a JSON array of 5 elements, got 4");
    assertRefused("[]", "expected a JSON array of 5 elements, got 0");
    assertRefused("[\"1\",\"1\",1,\"e\",{}]", "topic must be a string");
    assertRefused("[\"1\",\"1\",\"t\",null,{}]", "event must be a string");
    assertRefused("[true,\"1\",\"t\",\"e\",{}]", "join_ref must be a string or null");
    assertRefused("[\"1\",1.5,\"t\",\"e\",{}]", "ref must be a string or null");
    assertRefused("[\"1\",\"1\",\"t\",\"e\",{}] [1]", "trailing data after the JSON value");
    assertRefused("[\"1\",\"1\",\"t\",\"e\",{}]]", "invalid JSON");
    assertRefused(
        "[null,null,\"t\",\"e\"," + "[".repeat(5000) + "]".repeat(5000) + "]", "invalid JSON");
  }

  private void assertRefused(String frame, String reason) {
    assertThatThrownBy(() -> serializer.decodeText(frame))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(reason);
  }

  @Test
  void forVsnPicksBySemanticVersion() {
    assertThat(Serializer.forVsn(null)).isSameAs(V1JsonSerializer.INSTANCE);
    assertThat(Serializer.forVsn("1.0.0")).isSameAs(V1JsonSerializer.INSTANCE);
    assertThat(Serializer.forVsn("2.0.0")).isSameAs(V2JsonSerializer.INSTANCE);
    assertThat(Serializer.forVsn("2.0.7")).isSameAs(V2JsonSerializer.INSTANCE);
    for (String refused :
        List.of("", "3.0.0", "2.1.0", "2", "2.0", "2.0.0-rc.1", "v2.0.0", "123.1.1")) {
      assertThat(Serializer.forVsn(refused)).as(refused).isNull();
    }
  }
}
