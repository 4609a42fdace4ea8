package dev.rollcall.dispatch;

import dev.rollcall.channels.ConnectInfo;
import dev.rollcall.channels.ConnectResult;
import dev.rollcall.channels.Token;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Issues and checks the signed tokens that carry a {@link HeroIdentity}, and decides who may
 * connect: no token is an anonymous hero (a fresh name on every join, as in Phoenix's own demo), a
 * valid token is that hero, a forged or expired token is refused (HTTP 403).
 *
 * <p>Thread-safe and stateless apart from its configuration.
 */
public final class HeroTokens {
  /** Separates hero tokens from any other token signed with the same secret. */
  static final String SALT = "rollcall hero";

  private final DispatchConfig config;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public HeroTokens(DispatchConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** A new identity named {@code name}. */
  public HeroIdentity newIdentity(String name) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return new HeroIdentity(Base64.getUrlEncoder().withoutPadding().encodeToString(id), name);
  }

  public String sign(HeroIdentity identity) {
    return Token.sign(identity.toTokenData(), config.secret(), SALT, clock.instant());
  }

  /** The identity in {@code token}, if it is genuine and not older than the max age. */
  public Optional<HeroIdentity> verify(String token) {
    return switch (Token.verify(token, config.secret(), SALT, config.tokenMaxAge(), clock)) {
      case Token.Verification.Valid valid -> HeroIdentity.fromTokenData(valid.data());
      case Token.Verification.Invalid invalid -> Optional.empty();
    };
  }

  /** The socket id of every connection of the hero {@code heroId}, to disconnect them by. */
  static String socketId(String heroId) {
    return "hero:" + heroId;
  }

  /** The socket's connect decision. */
  public ConnectResult connect(ConnectInfo info) {
    if (info.authToken() == null) {
      return ConnectResult.accept();
    }
    return verify(info.authToken())
        .<ConnectResult>map(
            hero ->
                ConnectResult.accept(
                    Map.of(
                        NotificationsChannel.HERO_ID, hero.id(),
                        NotificationsChannel.HERO_NAME, hero.name()),
                    socketId(hero.id())))
        .orElseGet(ConnectResult::refuse);
  }
}
