package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {

  @Test
  void defaultsMatchTheReadme() {
    LaunchOptions options = LaunchOptions.parse();

    assertThat(options.port()).isEqualTo(4000);
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.notifyInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.redis()).isNull();
    assertThat(options.node()).matches("[A-Za-z0-9.-]+-[0-9a-f]{4}");
    assertThat(options.help()).isFalse();
  }

  @Test
  void flagsTakeSeparateOrInlineValues() {
    LaunchOptions options =
        LaunchOptions.parse(
            "--port",
            "0",
            "--host=127.0.0.1",
            "--notify-interval",
            "200ms",
            "--node=a1",
            "--redis",
            "redis://127.0.0.1:6379");

    assertThat(options)
        .isEqualTo(
            new LaunchOptions(
                "127.0.0.1",
                0,
                Duration.ofMillis(200),
                "a1",
                URI.create("redis://127.0.0.1:6379"),
                false));
  }

  @Test
  void durationsTakeAUnit() {
    assertThat(LaunchOptions.parseDuration("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(LaunchOptions.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(LaunchOptions.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(LaunchOptions.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void historyFlagsDefaultTo100And10MinutesAndZeroTurnsItOff() {
    assertThat(LaunchOptions.parse().historySize()).isEqualTo(100);
    assertThat(LaunchOptions.parse().historyTtl()).isEqualTo(Duration.ofMinutes(10));
    var options = LaunchOptions.parse("--history-size", "0", "--history-ttl=30s");
    assertThat(options.historySize()).isZero();
    assertThat(options.historyTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> LaunchOptions.parse("--history-size", "-1"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--history-size");
    assertThatThrownBy(() -> LaunchOptions.parse("--history-size", "lots"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--history-size must be a number");
    assertThat(LaunchOptions.USAGE).contains("--history-size", "--history-ttl");
  }

  @Test
  void helpIsAFlag() {
    assertThat(LaunchOptions.parse("--help").help()).isTrue();
    assertThat(LaunchOptions.USAGE).contains("--notify-interval", "--redis", "--node", "--port");
  }

  @Test
  void badCommandLinesSayWhatIsWrong() {
    assertThatThrownBy(() -> LaunchOptions.parse("--port", "http"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--port must be a number, got http");
    assertThatThrownBy(() -> LaunchOptions.parse("--port", "70000"))
        .hasMessage("--port must be 0..65535, got 70000");
    assertThatThrownBy(() -> LaunchOptions.parse("--notify-interval", "5"))
        .hasMessage(
            "--notify-interval must be a number with ms, s, m or h (like 200ms or 5s), got 5");
    assertThatThrownBy(() -> LaunchOptions.parse("--notify-interval", "1ms"))
        .hasMessage("--notify-interval must be at least 10ms, got 1ms");
    assertThatThrownBy(() -> LaunchOptions.parse("--redis", "http://x"))
        .hasMessage("--redis must be a redis:// URL, got http://x");
    assertThatThrownBy(() -> LaunchOptions.parse("--colour", "red"))
        .hasMessage("unknown option: --colour (see --help)");
    assertThatThrownBy(() -> LaunchOptions.parse("--port")).hasMessage("--port needs a value");
    assertThatThrownBy(() -> LaunchOptions.parse("4000")).hasMessage("unexpected argument: 4000");
    assertThatThrownBy(() -> LaunchOptions.parse("--node", "a b"))
        .hasMessage("--node must be letters, digits, '.', '_', '@' or '-', got a b");
  }

  @Test
  void transportFlags() throws Exception {
    LaunchOptions defaults = LaunchOptions.parse();
    assertThat(defaults.transports()).isEqualTo(LaunchOptions.Transports.defaults());
    assertThat(defaults.transports().longPollWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.transports().compress()).isFalse();

    java.nio.file.Path cert = java.nio.file.Files.createTempFile("cert", ".pem");
    java.nio.file.Path key = java.nio.file.Files.createTempFile("key", ".pem");
    LaunchOptions set =
        LaunchOptions.parse(
            "--longpoll-window=2s",
            "--compress",
            "on",
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString());
    assertThat(set.transports())
        .isEqualTo(new LaunchOptions.Transports(Duration.ofSeconds(2), true, cert, key));

    assertThatThrownBy(() -> LaunchOptions.parse("--compress", "yes"))
        .hasMessage("--compress is on or off, got yes");
    assertThatThrownBy(() -> LaunchOptions.parse("--longpoll-window", "10"))
        .hasMessage(
            "--longpoll-window must be a number with ms, s, m or h (like 200ms or 5s), got 10");
    assertThatThrownBy(() -> LaunchOptions.parse("--tls-cert", cert.toString()))
        .hasMessage("--tls-cert and --tls-key go together: give both or neither");
    assertThatThrownBy(
            () -> LaunchOptions.parse("--tls-cert", cert.toString(), "--tls-key", "/nope/key.pem"))
        .hasMessage("TLS file /nope/key.pem does not exist");
  }

  @Test
  void everyOptionAlsoComesFromTheEnvironmentAndAFlagWins() {
    var environment =
        java.util.Map.of(
            "ROLLCALL_PORT", "4100",
            "ROLLCALL_NOTIFY_INTERVAL", "1s",
            "ROLLCALL_REDIS", "redis://127.0.0.1:6390",
            "ROLLCALL_API_KEY", "an-api-key-of-20-chars",
            "ROLLCALL_UNRELATED", "ignored");
    LaunchOptions options = LaunchOptions.parse(environment, "--port", "4200");
    assertThat(options.port()).isEqualTo(4200);
    assertThat(options.notifyInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(options.redis()).hasToString("redis://127.0.0.1:6390");
    assertThat(options.apiKey()).isEqualTo("an-api-key-of-20-chars");
    assertThat(LaunchOptions.parse(java.util.Map.of()).apiKey()).isNull();
    for (String flag : LaunchOptions.VALUE_FLAGS) {
      assertThat(LaunchOptions.USAGE).contains(flag);
    }
    assertThat(LaunchOptions.USAGE).contains("ROLLCALL_<OPTION>");
  }

  @Test
  void aBadEnvironmentValueNamesItsVariable() {
    assertThatThrownBy(() -> LaunchOptions.parse(java.util.Map.of("ROLLCALL_PORT", "http")))
        .isInstanceOf(UsageException.class)
        .hasMessage("ROLLCALL_PORT: --port must be a number, got http");
    assertThatThrownBy(() -> LaunchOptions.parse("--api-key", "short"))
        .hasMessage("--api-key must be at least 16 characters");
    assertThatThrownBy(() -> LaunchOptions.parse("--log-format", "xml"))
        .hasMessage("--log-format must be text or json, got xml");
    assertThatThrownBy(() -> LaunchOptions.parse("--drain-interval", "1ms"))
        .hasMessage("--drain-interval must be at least 10ms, got 1ms");
    assertThat(LaunchOptions.parse("--drain-batch=50", "--log-format=json"))
        .extracting(LaunchOptions::drainBatch, LaunchOptions::logFormat)
        .containsExactly(50, "json");
  }

  @Test
  void thePresenceCountRateIsFramesPerSecondPerNode() {
    assertThat(LaunchOptions.parse().presenceCountRate()).isEqualTo(5_000);
    assertThat(LaunchOptions.parse("--presence-count-rate", "1000").presenceCountRate())
        .isEqualTo(1_000);
    assertThat(
            LaunchOptions.parse(java.util.Map.of("ROLLCALL_PRESENCE_COUNT_RATE", "2000"))
                .presenceCountRate())
        .isEqualTo(2_000);
    assertThatThrownBy(() -> LaunchOptions.parse("--presence-count-rate", "0"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--presence-count-rate must be at least 1, got 0");
    assertThatThrownBy(() -> LaunchOptions.parse("--presence-count-rate", "many"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--presence-count-rate must be a whole number");
    assertThat(LaunchOptions.USAGE).contains("--presence-count-rate");
  }
}
