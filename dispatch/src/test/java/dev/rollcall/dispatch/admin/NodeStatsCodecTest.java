package dev.rollcall.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Node figures cross Redis as JSON; anything else is refused, so PubSub drops and counts it. */
class NodeStatsCodecTest {
  private final NodeStatsCodec codec = new NodeStatsCodec();

  @Test
  void figuresComeBackAsTheyWereSent() {
    var stats = new NodeStats("n1", 1_733_000_000_000L, 2, 3, 4L << 30, 8L << 30, 6, 7.5, 0, "up");
    assertThat(codec.handles(stats)).isTrue();
    assertThat(codec.handles("text")).isFalse();
    assertThat(codec.decode(codec.encode(stats))).isEqualTo(stats);
  }

  @Test
  void bytesThatAreNotFiguresAreRefused() {
    assertThatThrownBy(() -> codec.decode("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode("{\"node\":\"n1\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed node stats");
  }
}
