package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.TrackerConfig;
import dev.rollcall.pubsub.redis.RedisConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The libraries' limits and periods as launcher options: defaults as the libraries have them and
 * shown in {@code --help}, every one settable from the environment, bad values refused by flag (or
 * variable) name, and the values passed through to the components' configs.
 */
class TunablesTest {

  /** Each tunable flag with a valid value other than its default. */
  private static final Map<String, String> CHANGED = new LinkedHashMap<>();

  static {
    CHANGED.put("--max-connections", "5");
    CHANGED.put("--max-frame-bytes", "2048");
    CHANGED.put("--max-channels-per-socket", "3");
    CHANGED.put("--max-messages-per-second", "7");
    CHANGED.put("--message-burst", "9");
    CHANGED.put("--max-outbound-bytes", "65536");
    CHANGED.put("--max-queued-inbound", "10");
    CHANGED.put("--max-queued-inbound-total", "40");
    CHANGED.put("--max-topic-length", "50");
    CHANGED.put("--max-payload-depth", "4");
    CHANGED.put("--idle-timeout", "90s");
    CHANGED.put("--presence-broadcast-period", "500ms");
    CHANGED.put("--presence-down-period", "2s");
    CHANGED.put("--presence-permdown-period", "1h");
    CHANGED.put("--redis-connect-timeout", "1s");
    CHANGED.put("--redis-command-timeout", "3s");
    CHANGED.put("--redis-reconnect-min", "50ms");
    CHANGED.put("--redis-reconnect-max", "5s");
    CHANGED.put("--redis-publish-backlog", "100");
  }

  @Test
  void everyTunableFlagIsCoveredHere() {
    assertThat(CHANGED.keySet()).containsExactlyElementsOf(TunableOptions.FLAGS);
  }

  @Test
  void withoutFlagsTheComponentsGetTheirOwnDefaults() {
    Tunables tunables = LaunchOptions.parse().tunables();

    assertThat(tunables).isEqualTo(Tunables.defaults());
    assertThat(tunables.endpoint().applyTo(EndpointConfig.defaults()))
        .isEqualTo(EndpointConfig.defaults());
    assertThat(tunables.presence().applyTo(PresenceConfig.defaults()))
        .isEqualTo(PresenceConfig.defaults());
    RedisConfig redis = RedisConfig.defaults();
    assertThat(tunables.redis().applyTo(redis)).isEqualTo(redis);
  }

  @Test
  void helpShowsEveryTunableWithItsDefault() {
    Map<String, String> defaults = new LinkedHashMap<>();
    EndpointConfig endpoint = EndpointConfig.defaults();
    defaults.put("--max-connections", "" + endpoint.maxConnections());
    defaults.put("--max-frame-bytes", "" + endpoint.maxFrameBytes());
    defaults.put("--max-outbound-bytes", "" + endpoint.maxOutboundBytes());
    defaults.put("--max-queued-inbound-total", "" + endpoint.maxQueuedInboundTotal());
    defaults.put("--idle-timeout", "60s");
    defaults.put("--presence-down-period", "3s");
    defaults.put("--presence-permdown-period", "20m");
    defaults.put("--redis-reconnect-min", "100ms");
    String help = LaunchOptions.USAGE.replaceAll("\\s+", " ");
    for (String flag : TunableOptions.FLAGS) {
      assertThat(help).contains(flag + "=");
    }
    defaults.forEach(
        (flag, value) ->
            assertThat(help)
                .as(flag)
                .containsPattern(
                    java.util.regex.Pattern.quote(flag)
                        + "=\\S+ (?:(?! --).)*\\(default: "
                        + value
                        + "\\)"));
  }

  @Test
  void everyTunableReachesItsComponentsConfig() {
    List<String> args =
        CHANGED.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    Tunables tunables = LaunchOptions.parse(args.toArray(String[]::new)).tunables();

    EndpointConfig endpoint = tunables.endpoint().applyTo(EndpointConfig.defaults());
    assertThat(endpoint)
        .isEqualTo(
            EndpointConfig.defaults()
                .withMaxConnections(5)
                .withMaxFrameBytes(2048)
                .withMaxChannelsPerSocket(3)
                .withMaxMessagesPerSecond(7)
                .withMessageBurst(9)
                .withMaxOutboundBytes(65536)
                .withMaxQueuedInbound(10)
                .withMaxQueuedInboundTotal(40)
                .withMaxTopicLength(50)
                .withMaxPayloadDepth(4)
                .withIdleTimeout(Duration.ofSeconds(90)));
    TrackerConfig tracker = tunables.presence().applyTo(PresenceConfig.defaults()).tracker();
    assertThat(tracker)
        .isEqualTo(
            new TrackerConfig(
                "presence",
                Duration.ofMillis(500),
                Duration.ofSeconds(2),
                Duration.ofHours(1),
                TrackerConfig.defaults().deltaDelay()));
    RedisConfig redis = tunables.redis().applyTo(RedisConfig.defaults());
    assertThat(redis.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(redis.commandTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(redis.reconnectMin()).isEqualTo(Duration.ofMillis(50));
    assertThat(redis.reconnectMax()).isEqualTo(Duration.ofSeconds(5));
    assertThat(redis.publishBacklog()).isEqualTo(100);
  }

  @Test
  void everyTunableIsReadFromTheEnvironmentAndTheCommandLineWins() {
    Map<String, String> environment = new LinkedHashMap<>();
    CHANGED.forEach((flag, value) -> environment.put(LaunchOptions.environmentName(flag), value));
    List<String> args =
        CHANGED.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();

    assertThat(LaunchOptions.parse(environment).tunables())
        .isEqualTo(LaunchOptions.parse(args.toArray(String[]::new)).tunables());
    assertThat(environment).containsEntry("ROLLCALL_PRESENCE_DOWN_PERIOD", "2s");
    assertThat(
            LaunchOptions.parse(environment, "--max-frame-bytes", "4096")
                .tunables()
                .endpoint()
                .maxFrameBytes())
        .isEqualTo(4096);
  }

  @Test
  void periodsThatConstrainEachOtherMayComeFromDifferentVariables() {
    // Alone, a 2 s broadcast period is too long for the default 3 s down period; together, fine.
    var options =
        LaunchOptions.parse(
            Map.of(
                "ROLLCALL_PRESENCE_BROADCAST_PERIOD", "2s", "ROLLCALL_PRESENCE_DOWN_PERIOD", "5s"));
    assertThat(options.tunables().presence().downPeriod()).isEqualTo(Duration.ofSeconds(5));

    assertThatThrownBy(
            () -> LaunchOptions.parse(Map.of("ROLLCALL_PRESENCE_BROADCAST_PERIOD", "2s")))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "--presence-down-period must be at least twice --presence-broadcast-period (4s),"
                + " got 3s");
  }

  @Test
  void badValuesAreRefusedWithOneLineNamingTheFlag() {
    Map<List<String>, String> refused = new LinkedHashMap<>();
    refused.put(
        List.of("--max-frame-bytes", "100"), "--max-frame-bytes must be at least 1024, got 100");
    refused.put(
        List.of("--max-connections", "lots"), "--max-connections must be a whole number, got lots");
    refused.put(
        List.of("--max-connections", "99999999999"),
        "--max-connections must be a whole number, got 99999999999");
    refused.put(List.of("--max-connections", "0"), "--max-connections must be at least 1, got 0");
    refused.put(
        List.of("--max-outbound-bytes=1000"),
        "--max-outbound-bytes must be at least 65536, got 1000");
    refused.put(
        List.of("--max-queued-inbound", "1"), "--max-queued-inbound must be at least 2, got 1");
    refused.put(
        List.of("--max-payload-depth", "1001"),
        "--max-payload-depth must be at most 1000 (the JSON parser's own limit), got 1001");
    refused.put(
        List.of("--idle-timeout", "60"),
        "--idle-timeout must be a number with ms, s, m or h (like 200ms or 5s), got 60");
    refused.put(
        List.of("--presence-broadcast-period", "50ms"),
        "--presence-broadcast-period must be at least 100ms, got 50ms");
    refused.put(
        List.of("--presence-down-period", "1500ms"),
        "--presence-down-period must be at least twice --presence-broadcast-period (2s),"
            + " got 1500ms");
    refused.put(
        List.of("--presence-permdown-period", "3s"),
        "--presence-permdown-period must be longer than --presence-down-period (3s), got 3s");
    refused.put(
        List.of("--redis-reconnect-max", "50ms"),
        "--redis-reconnect-max must be at least --redis-reconnect-min (100ms), got 50ms");
    refused.put(
        List.of("--redis-publish-backlog", "0"),
        "--redis-publish-backlog must be at least 1, got 0");
    refused.put(List.of("--message-burst"), "--message-burst needs a value");

    refused.forEach(
        (args, message) ->
            assertThatThrownBy(() -> LaunchOptions.parse(args.toArray(String[]::new)))
                .as(String.join(" ", args))
                .isInstanceOf(UsageException.class)
                .hasMessage(message));
    assertThatThrownBy(() -> LaunchOptions.parse(Map.of("ROLLCALL_MAX_FRAME_BYTES", "1MB")))
        .isInstanceOf(UsageException.class)
        .hasMessage("ROLLCALL_MAX_FRAME_BYTES: --max-frame-bytes must be a whole number, got 1MB");
  }
}
