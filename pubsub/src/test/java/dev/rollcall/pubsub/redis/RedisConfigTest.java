package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisConfigTest {

  @Test
  void defaultsAreValidAndNameTheNodeAfterTheHost() {
    var config = RedisConfig.defaults();
    assertThat(config.uri()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(config.node()).matches("[a-z0-9.-]+-[0-9a-f]{6}");
    assertThat(config.reconnectMax()).isGreaterThanOrEqualTo(config.reconnectMin());
    assertThat(RedisConfig.defaults().node()).isNotEqualTo(config.node());
  }

  @Test
  void aNodeNameThatCannotBePartOfAChannelNameIsRefused() {
    assertThatThrownBy(() -> RedisConfig.defaults().withNode("two words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("node name must be 1-128 of [A-Za-z0-9._@:-]");
    assertThatThrownBy(() -> RedisConfig.defaults().withNode(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBackoffCapBelowItsStartIsRefused() {
    assertThatThrownBy(
            () ->
                RedisConfig.defaults().withReconnect(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reconnectMax must be >= reconnectMin");
    assertThatThrownBy(() -> RedisConfig.defaults().withReconnect(Duration.ZERO, Duration.ZERO))
        .hasMessage("reconnectMin must be > 0");
  }

  @Test
  void aUriThatIsNotRedisIsRefused() {
    assertThatThrownBy(() -> RedisConfig.defaults().withUri("http://example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a Redis URI: http://example");
  }

  @Test
  void anEmptyPublishBacklogIsRefused() {
    assertThatThrownBy(() -> RedisConfig.defaults().withPublishBacklog(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("publishBacklog must be >= 1");
  }
}
