package dev.rollcall.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact frames, after Phoenix's test/phoenix/socket/v1_json_serializer_test.exs. */
class V1JsonSerializerTest {
  private final Serializer serializer = V1JsonSerializer.INSTANCE;

  private String encode(Message message) {
    Serializer.Encoded encoded = serializer.encode(message);
    assertThat(encoded.binary()).isFalse();
    return new String(encoded.bytes(), UTF_8);
  }

  @Test
  void encodesAMessageWithoutJoinRef() {
    assertThat(encode(new Message("3", null, "t", "e", "m")))
        .isEqualTo("{\"event\":\"e\",\"payload\":\"m\",\"ref\":null,\"topic\":\"t\"}");
  }

  @Test
  void encodesAReply() {
    assertThat(encode(new Message(null, "null", "t", Message.REPLY, new ReplyPayload(null, null))))
        .isEqualTo(
            "{\"event\":\"phx_reply\",\"payload\":{\"response\":null,\"status\":null},\"ref\":\"null\",\"topic\":\"t\"}");
  }

  @Test
  void decodesAMessage() throws ProtocolException {
    assertThat(
            serializer.decodeText(
                "{\"event\":\"e\",\"payload\":\"m\",\"ref\":null,\"topic\":\"t\"}"))
        .isEqualTo(new Message(null, null, "t", "e", "m"));
    assertThat(
            serializer.decodeText(
                "{\"topic\":\"t\",\"event\":\"phx_join\",\"payload\":{},\"ref\":\"2\",\"join_ref\":\"2\",\"x\":[1]}"))
        .isEqualTo(new Message("2", "2", "t", "phx_join", Map.of()));
  }

  @Test
  void refusesFramesThatAreNotMessages() {
    assertRefused("[null,null,\"t\",\"e\",{}]", "expected a JSON object, got an array");
    assertRefused("{\"event\":\"e\",\"payload\":{},\"ref\":null}", "missing key \"topic\"");
    assertRefused("{\"topic\":\"t\",\"event\":\"e\",\"payload\":{}}", "missing key \"ref\"");
    assertRefused("{\"topic\":\"t\",\"event\":\"e\",\"ref\":null}", "missing key \"payload\"");
    assertRefused(
        "{\"topic\":null,\"event\":\"e\",\"payload\":{},\"ref\":null}", "topic must be a string");
    assertRefused("{\"topic\":", "invalid JSON");
    assertThatThrownBy(() -> serializer.decodeBinary(new byte[] {0, 0, 0, 1, 1, 't', 'e'}))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("binary frames need vsn 2.0.0");
  }

  private void assertRefused(String frame, String reason) {
    assertThatThrownBy(() -> serializer.decodeText(frame))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(reason);
  }
}
