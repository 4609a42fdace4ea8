package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Token;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dispatch app's auth rules at the HTTP upgrade, against the running app: forged and expired
 * hero tokens get 403, origins outside {@code --origin} get 403, and the origin check is on by
 * default when the app listens beyond loopback.
 */
class UpgradeRulesTest {
  private static final String SECRET = "a test secret that is long enough for the hero tokens";
  private static DispatchApp app;

  @BeforeAll
  static void start() {
    app =
        DispatchApp.start(
            LaunchOptions.parse(
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--notify-interval",
                "1h",
                "--origin",
                "https://dispatch.example.com, //*.example.org"),
            DispatchConfig.defaults().withSecret(SECRET));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void originsOutsideTheAllowListAre403() {
    assertThat(upgrade("Origin: https://evil.example.net")).isEqualTo(403);
    assertThat(upgrade("Origin: http://dispatch.example.com")).isEqualTo(403);
    assertThat(upgrade("Origin: https://dispatch.example.com")).isEqualTo(101);
    assertThat(upgrade("Origin: http://maps.example.org:8080")).isEqualTo(101);
    assertThat(upgrade()).as("no Origin: not a browser").isEqualTo(101);
  }

  @Test
  void forgedAndExpiredHeroTokensAre403AndAGenuineOneConnects() {
    HeroIdentity hero =
        new HeroTokens(DispatchConfig.defaults(), java.time.Clock.systemUTC()).newIdentity("Storm");
    String genuine = Token.sign(hero.toTokenData(), SECRET, HeroTokens.SALT, Instant.now());
    String forged =
        Token.sign(hero.toTokenData(), SECRET.replace('a', 'b'), HeroTokens.SALT, Instant.now());
    String expired =
        Token.sign(
            hero.toTokenData(),
            SECRET,
            HeroTokens.SALT,
            Instant.now().minus(Duration.ofDays(1)).minusSeconds(1));
    assertThat(upgrade(bearer(genuine))).isEqualTo(101);
    assertThat(upgrade(bearer(forged))).isEqualTo(403);
    assertThat(upgrade(bearer(expired))).isEqualTo(403);
    assertThat(upgrade(bearer("SFMyNTY.tampered.token"))).isEqualTo(403);
  }

  @Test
  void theOriginCheckIsOnByDefaultBeyondLoopbackAndOffOnLoopback() {
    assertThat(LaunchOptions.parse().allowedOrigins())
        .as("0.0.0.0, the default: production")
        .contains("//localhost", "//127.0.0.1");
    assertThat(LaunchOptions.parse("--host", "10.1.2.3").allowedOrigins()).contains("//localhost");
    assertThat(LaunchOptions.parse("--host", "127.0.0.1").allowedOrigins()).isEmpty();
    assertThat(LaunchOptions.parse("--host", "localhost").allowedOrigins()).isEmpty();
    assertThat(LaunchOptions.parse("--origin", "*").allowedOrigins()).isEmpty();
    assertThat(LaunchOptions.parse("--origin", "https://a.example,//b.example").allowedOrigins())
        .containsExactly("https://a.example", "//b.example");
    assertThat(LaunchOptions.USAGE).contains("--origin");
  }

  private static String bearer(String token) {
    String encoded =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(token.getBytes(StandardCharsets.UTF_8));
    return "Sec-WebSocket-Protocol: phoenix, base64url.bearer.phx." + encoded;
  }

  /** The status of a WebSocket upgrade of the app's socket with {@code headers}. */
  private static int upgrade(String... headers) {
    StringBuilder request =
        new StringBuilder("GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:")
            .append(app.port())
            .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
            .append("Sec-WebSocket-Version: 13\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder status = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
        status.append((char) b);
      }
      return Integer.parseInt(status.toString().split(" ")[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
