package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.Channel;
import dev.rollcall.client.Reply;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two dispatch nodes in this JVM on one real {@code redis-server}: a hero name held on one node is
 * not handed out on the other once presence has replicated it (the window before that is in
 * docs/cluster.md, "Hero names across the cluster").
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HeroNamesAcrossNodesTest {
  private static final Duration SETTLED = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final DispatchConfig config =
      DispatchConfig.defaults().withNotifyInterval(Duration.ofHours(1)).withSecret("s".repeat(40));
  private RedisServerProcess redis;
  private DispatchApp n1;
  private DispatchApp n2;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void startTwoNodes() {
    redis = RedisServerProcess.start();
    n1 = DispatchApp.start(options("n1"), config);
    n2 = DispatchApp.start(options("n2"), config);
  }

  @AfterEach
  void stopEverything() {
    sockets.forEach(socket -> socket.disconnect().orTimeout(10, TimeUnit.SECONDS).join());
    for (DispatchApp node : new DispatchApp[] {n1, n2}) {
      if (node != null) {
        node.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  private LaunchOptions options(String node) {
    return LaunchOptions.parse(
        "--port", "0", "--host", "127.0.0.1", "--redis", redis.uri(), "--node", node);
  }

  @Test
  void aNamePresentOnTheOtherNodeIsNotHandedOutAgain() throws Exception {
    var tokens = new HeroTokens(config, Clock.systemUTC());
    String first = join(n1, tokens.sign(new HeroIdentity("identity-a", "Storm")));
    awaitSettled(1);

    String second = join(n2, tokens.sign(new HeroIdentity("identity-b", "Storm")));

    assertThat(first).isEqualTo("Storm");
    assertThat(second).isEqualTo("Storm (2)");
    awaitSettled(2);
  }

  /**
   * Rounds of one drawn hero per node joining at the same moment, each round after the previous one
   * has replicated: no name is held twice anywhere. (Two draws of one round collide with
   * probability 1/160 544, the residual race the docs describe: ~3e-4 for the whole test.)
   */
  @Test
  void heroesDrawnOnTwoNodesNeverHoldOneName() throws Exception {
    int rounds = 50;
    var names = new HashSet<String>();
    for (int round = 1; round <= rounds; round++) {
      var onN1 = CompletableFuture.supplyAsync(() -> joinQuietly(n1));
      var onN2 = CompletableFuture.supplyAsync(() -> joinQuietly(n2));
      names.add(onN1.get(10, TimeUnit.SECONDS));
      names.add(onN2.get(10, TimeUnit.SECONDS));
      awaitSettled(2 * round);
    }

    assertThat(names).hasSize(2 * rounds);
  }

  private String joinQuietly(DispatchApp node) {
    try {
      return join(node, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Connects a page to {@code node} (with a hero token, or none) and returns its name. */
  private String join(DispatchApp node, String token) throws Exception {
    var name = new CompletableFuture<String>();
    SocketConfig socketConfig = SocketConfig.defaults();
    if (token != null) {
      socketConfig = socketConfig.withAuthToken(token);
    }
    var socket = new Socket("ws://127.0.0.1:" + node.port() + "/socket", socketConfig);
    synchronized (sockets) {
      sockets.add(socket);
    }
    socket.connect();
    Channel lobby = socket.channel(NotificationsChannel.LOBBY, Map.of());
    lobby.on(
        "user_info",
        payload -> {
          if (payload instanceof Map<?, ?> info) {
            name.complete(String.valueOf(info.get("user_name")));
          }
        });
    Reply reply = lobby.join().reply().get(10, TimeUnit.SECONDS);
    assertThat(reply.status()).as("join reply %s", reply).isEqualTo("ok");
    return name.get(10, TimeUnit.SECONDS);
  }

  /**
   * Both nodes list {@code heroes} names and as many presences: every name held by one connection.
   */
  private void awaitSettled(int heroes) {
    await("both nodes to list " + heroes + " heroes, one presence each")
        .atMost(SETTLED)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              for (DispatchApp node : new DispatchApp[] {n1, n2}) {
                String metrics = metrics(node);
                assertThat(gauge(metrics, "rollcall_presences")).isEqualTo(heroes);
                assertThat(gauge(metrics, "rollcall_heroes")).isEqualTo(heroes);
              }
            });
  }

  private static String metrics(DispatchApp node) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/metrics")).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long gauge(String metrics, String name) {
    return metrics
        .lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(name.length() + 1).trim()))
        .findFirst()
        .orElse(-1);
  }
}
