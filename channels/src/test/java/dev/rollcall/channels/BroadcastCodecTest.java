package dev.rollcall.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BroadcastCodecTest {
  private final BroadcastCodec codec = new BroadcastCodec();

  private Broadcast roundTrip(Broadcast broadcast) {
    assertThat(codec.handles(broadcast)).isTrue();
    return (Broadcast) codec.decode(codec.encode(broadcast));
  }

  @Test
  void aJsonPayloadArrivesAsPlainJavaValues() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("body", "Message to Storm from internal service ✓");
    payload.put("timestamp", 1764331200123L);
    payload.put("tags", List.of("a", 1, true));
    payload.put("nothing", null);
    payload.put("nested", Map.of("k", Map.of()));

    var decoded = roundTrip(new Broadcast("notifications:lobby", "notification", payload));

    assertThat(decoded.topic()).isEqualTo("notifications:lobby");
    assertThat(decoded.event()).isEqualTo("notification");
    assertThat(decoded.payload()).isEqualTo(payload);
  }

  @Test
  void aBinaryPayloadArrivesAsTheSameBytes() {
    byte[] bytes = {0, 1, 2, (byte) 0xff};
    var decoded = roundTrip(new Broadcast("room:1", "bin", bytes));
    assertThat(decoded.payload()).isInstanceOf(byte[].class);
    assertThat((byte[]) decoded.payload()).containsExactly(bytes);
  }

  @Test
  void anEmptyMapAndANullPayloadSurvive() {
    assertThat(roundTrip(new Broadcast("t", "disconnect", Map.of())).payload()).isEqualTo(Map.of());
    assertThat(roundTrip(new Broadcast("t", "e", null)).payload()).isNull();
  }

  @Property
  void stringsAndBytesRoundTrip(
      @ForAll String topic, @ForAll String event, @ForAll String text, @ForAll byte[] bytes) {
    var json = roundTrip(new Broadcast(topic, event, Map.of("text", text)));
    assertThat(json).isEqualTo(new Broadcast(topic, event, Map.of("text", text)));
    var binary = roundTrip(new Broadcast(topic, event, bytes));
    assertThat(Arrays.equals((byte[]) binary.payload(), bytes)).isTrue();
  }

  @Test
  void handlesOnlyBroadcasts() {
    assertThat(codec.handles("text")).isFalse();
    assertThat(codec.kind()).isEqualTo("bcast");
  }

  @Test
  void bytesThatAreNotABroadcastAreRefused() {
    assertThatThrownBy(() -> codec.decode(new byte[] {7, 0, 0, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown broadcast payload kind 7");
    assertThatThrownBy(() -> codec.decode(new byte[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {0, 0, 1, 't', 0, 1, 'e', '{'}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
