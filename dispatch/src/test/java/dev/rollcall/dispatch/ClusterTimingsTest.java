package dev.rollcall.dispatch;

import static dev.rollcall.dispatch.LobbyHero.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two dispatch nodes in this JVM on one real {@code redis-server}, each with its own presence
 * periods from the command line: real traffic fills the latency histograms at {@code /metrics}, and
 * each node's {@code --presence-down-period} decides when the other node's heroes leave its lobby
 * once Redis is gone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTimingsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> HISTOGRAMS =
      List.of(
          "rollcall_join_latency_seconds",
          "rollcall_reply_latency_seconds",
          "rollcall_delivery_latency_seconds",
          "rollcall_redis_publish_lag_seconds",
          "rollcall_tracker_heartbeat_seconds",
          "rollcall_tracker_merge_seconds");

  private final DispatchConfig config =
      DispatchConfig.defaults().withNotifyInterval(Duration.ofHours(1));
  private final List<AutoCloseable> open = new ArrayList<>();
  private RedisServerProcess redis;
  private DispatchApp quick;
  private DispatchApp patient;

  @BeforeEach
  void startTwoNodes() {
    redis = RedisServerProcess.start();
    quick = start("quick", "--presence-down-period=1s", "--presence-permdown-period=1m");
    patient = start("patient", "--presence-down-period=1h", "--presence-permdown-period=2h");
  }

  private DispatchApp start(String node, String... periods) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port=0",
                "--host=127.0.0.1",
                "--node=" + node,
                "--redis=" + redis.uri(),
                "--presence-broadcast-period=200ms",
                "--redis-reconnect-min=50ms",
                "--redis-reconnect-max=500ms"));
    args.addAll(List.of(periods));
    DispatchApp app = DispatchApp.start(LaunchOptions.parse(args.toArray(String[]::new)), config);
    open.add(app);
    return app;
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable closeable : open.reversed()) {
      closeable.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private LobbyHero hero(String label, DispatchApp node) throws Exception {
    LobbyHero hero = LobbyHero.join(label, "http://127.0.0.1:" + node.port());
    open.add(hero);
    return hero;
  }

  @Test
  void realTrafficFillsEveryLatencyHistogram() throws Exception {
    LobbyHero a = hero("a", quick);
    LobbyHero b = hero("b", patient);
    waitFor(() -> a.roster.size() == 2 && b.roster.size() == 2, "both heroes in both rosters");

    assertThat(a.push("notify_all", Map.of("body", "hello from quick")).isOk()).isTrue();
    assertThat(b.push("notify_all", Map.of("body", "hello from patient")).isOk()).isTrue();
    waitFor(() -> b.notificationsWithBody("hello from quick") == 1, "b's notification");
    waitFor(() -> a.notificationsWithBody("hello from patient") == 1, "a's notification");
    // A join on quick reaches b as a presence_diff broadcast on patient's lobby: a delivery there.
    LobbyHero c = hero("c", quick);
    waitFor(() -> b.roster.contains(c.name), "c in b's roster");

    for (DispatchApp node : List.of(quick, patient)) {
      for (String histogram : HISTOGRAMS) {
        waitFor(
            () -> observations(node, histogram) > 0,
            node.node() + " /metrics " + histogram + "_bucket{le=\"+Inf\"} above 0",
            Duration.ofSeconds(20));
      }
    }
    assertThat(scrape(quick))
        .as("a histogram has buckets below +Inf")
        .containsPattern("rollcall_join_latency_seconds_bucket\\{le=\"[0-9.]+\"\\} [1-9]");
  }

  @Test
  void eachNodesDownPeriodDecidesWhenTheOtherNodesHeroesLeave() throws Exception {
    LobbyHero a = hero("a", quick);
    LobbyHero b = hero("b", patient);
    waitFor(() -> a.roster.size() == 2 && b.roster.size() == 2, "both heroes in both rosters");

    redis.stop();

    waitFor(
        () -> a.roster.equals(List.of(a.name)),
        "b to leave a's roster after quick's 1s down period",
        Duration.ofSeconds(20));
    // Patient waits an hour: for three times quick's period (the default down period), a stays
    // listed for b although quick already dropped b.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(b.roster).contains(a.name, b.name));
  }

  /** The count of the {@code le="+Inf"} bucket of {@code histogram}, 0 if it is not there. */
  private static double observations(DispatchApp node, String histogram) {
    for (String line : scrape(node).split("\n")) {
      if (line.startsWith(histogram + "_bucket{") && line.contains("le=\"+Inf\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static String scrape(DispatchApp node) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
