package dev.rollcall.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.channels.HttpRoute;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code GET /api/token}: the page's identity. With a still-valid token in {@code Authorization:
 * Bearer <token>} it returns a renewed token for the same hero; otherwise a token for a new hero
 * with a freshly drawn name. Answers {@code {"token": ..., "user_name": ...}}.
 */
final class TokenRoute implements HttpRoute {
  private static final ObjectMapper json = new ObjectMapper();

  /** Draws this many times at most to avoid a name that is present right now. */
  private static final int DRAWS = 5;

  private final HeroTokens tokens;
  private final SuperheroNames names;
  private final Predicate<String> isPresent;

  TokenRoute(HeroTokens tokens, SuperheroNames names, Predicate<String> isPresent) {
    this.tokens = tokens;
    this.names = names;
    this.isPresent = isPresent;
  }

  @Override
  public Response handle(Request request) throws Exception {
    String authorization = request.headers().getOrDefault("authorization", "");
    HeroIdentity hero =
        authorization.startsWith("Bearer ")
            ? tokens.verify(authorization.substring("Bearer ".length()).trim()).orElse(null)
            : null;
    if (hero == null) {
      hero = tokens.newIdentity(freshName());
    }
    byte[] body =
        json.writeValueAsBytes(Map.of("token", tokens.sign(hero), "user_name", hero.name()));
    return new Response(200, "application/json", body);
  }

  private String freshName() {
    String name = names.draw();
    for (int i = 1; i < DRAWS && isPresent.test(name); i++) {
      name = names.draw();
    }
    return name;
  }
}
