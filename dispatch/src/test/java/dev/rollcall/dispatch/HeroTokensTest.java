package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.ConnectInfo;
import dev.rollcall.channels.ConnectResult;
import dev.rollcall.channels.Token;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeroTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private final DispatchConfig config = DispatchConfig.defaults();
  private final HeroTokens tokens = new HeroTokens(config, Clock.fixed(NOW, ZoneOffset.UTC));

  private static ConnectInfo withToken(String token) {
    return new ConnectInfo(Map.of(), token, Map.of(), null);
  }

  @Test
  void aValidTokenConnectsAsItsHero() {
    HeroIdentity storm = tokens.newIdentity("Storm");

    ConnectResult result = tokens.connect(withToken(tokens.sign(storm)));

    assertThat(result)
        .isEqualTo(
            ConnectResult.accept(
                Map.of("hero_id", storm.id(), "hero_name", "Storm"), "hero:" + storm.id()));
  }

  @Test
  void noTokenConnectsAnonymously() {
    assertThat(tokens.connect(withToken(null))).isEqualTo(ConnectResult.accept());
  }

  @Test
  void aForgedTokenIsRefused() {
    String forged =
        Token.sign(
            tokens.newIdentity("Storm").toTokenData(),
            DispatchConfig.randomSecret(),
            HeroTokens.SALT,
            NOW);

    assertThat(tokens.connect(withToken(forged))).isEqualTo(ConnectResult.refuse());
  }

  @Test
  void anExpiredTokenIsRefused() {
    String old = tokens.sign(tokens.newIdentity("Storm"));
    var dayLater =
        new HeroTokens(
            config, Clock.fixed(NOW.plus(config.tokenMaxAge()).plusSeconds(1), ZoneOffset.UTC));

    assertThat(dayLater.connect(withToken(old))).isEqualTo(ConnectResult.refuse());
  }

  @Test
  void aGenuineTokenOfAnotherKindIsRefused() {
    String other = Token.sign("{\"id\":\"x\",\"name\":\"Storm\"}", config.secret());

    assertThat(tokens.connect(withToken(other))).isEqualTo(ConnectResult.refuse());
  }

  @Test
  void identitiesAreUnguessable() {
    assertThat(tokens.newIdentity("Storm").id())
        .hasSize(22)
        .isNotEqualTo(tokens.newIdentity("Storm").id());
    assertThat(config.tokenMaxAge()).isEqualTo(Duration.ofDays(1));
  }
}
