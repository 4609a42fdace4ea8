package dev.rollcall.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.Reply;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import dev.rollcall.dispatch.DispatchApp;
import dev.rollcall.dispatch.DispatchConfig;
import dev.rollcall.dispatch.LaunchOptions;
import dev.rollcall.dispatch.offers.Dispatch;
import dev.rollcall.dispatch.offers.DispatchState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code admin:dashboard} channel on the real app, joined with the Java client: only the API
 * key gets in, and what it gets is the cluster view, then a push every second.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminChannelTest {
  private static final String KEY = "admin-channel-test-key-0123";
  private static final DispatchConfig CONFIG =
      DispatchConfig.defaults().withNotifyInterval(Duration.ofHours(1)).withSecret("s".repeat(40));

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open.reversed()) {
      closeable.close();
    }
  }

  private DispatchApp app(String node, String... extra) throws Exception {
    // Port 0: the app binds a free port itself (one chosen here could be taken meanwhile).
    List<String> args =
        new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1", "--node", node));
    args.addAll(List.of(extra));
    DispatchApp app = DispatchApp.start(LaunchOptions.parse(args.toArray(String[]::new)), CONFIG);
    open.add(app);
    return app;
  }

  private Socket socket(DispatchApp app) {
    var socket =
        new Socket(
            "ws://127.0.0.1:" + app.port() + "/socket",
            SocketConfig.defaults().withTimeout(Duration.ofSeconds(10)));
    socket.connect();
    open.add(() -> socket.disconnect().orTimeout(5, TimeUnit.SECONDS).join());
    return socket;
  }

  private static Reply join(Socket socket, Object params) throws Exception {
    return socket.channel(AdminDashboard.TOPIC, params).join().reply().get(15, TimeUnit.SECONDS);
  }

  @Test
  void aWrongOrMissingKeyIsRefusedAsUnauthorized() throws Exception {
    DispatchApp app = app("admin-refuse", "--api-key", KEY);
    Socket socket = socket(app);
    for (Object params :
        List.of(Map.of(), Map.of("key", "wrong-key-0123456789"), Map.of("key", 7))) {
      Reply reply = join(socket, params);
      assertThat(reply.status()).as("join with %s", params).isEqualTo("error");
      assertThat(reply.response()).isEqualTo(Map.of("reason", "unauthorized"));
    }
  }

  @Test
  void theKeyGetsTheClusterViewThenAStatsPushEverySecond() throws Exception {
    DispatchApp app = app("admin-view", "--api-key", KEY);
    Socket socket = socket(app);
    var channel = socket.channel(AdminDashboard.TOPIC, Map.of("key", KEY));
    List<Object> pushes = new CopyOnWriteArrayList<>();
    channel.on("stats", pushes::add);
    Reply reply = channel.join().reply().get(15, TimeUnit.SECONDS);

    assertThat(reply.isOk()).as("join reply %s", reply).isTrue();
    Map<?, ?> view = (Map<?, ?>) reply.response();
    assertThat(view.get("node")).isEqualTo("admin-view");
    assertThat(view.get("sample_period_ms")).isEqualTo(1000);
    assertThat(view.get("history")).isInstanceOf(List.class);
    List<?> nodes = (List<?>) view.get("nodes");
    assertThat(nodes).hasSize(1);
    Map<?, ?> self = (Map<?, ?>) nodes.get(0);
    assertThat(self.get("name")).isEqualTo("admin-view");
    assertThat(self.get("up")).isEqualTo(true);
    assertThat(((Map<?, ?>) view.get("board")).get("counts"))
        .isEqualTo(Map.of("offered", 0, "assigned", 0, "unassigned", 0, "resolved", 0));

    await().until(() -> pushes.size() >= 2);
    Map<?, ?> update = (Map<?, ?>) pushes.get(pushes.size() - 1);
    Map<?, ?> stats = (Map<?, ?>) ((Map<?, ?>) ((List<?>) update.get("nodes")).get(0)).get("stats");
    assertThat(((Number) stats.get("connections")).longValue())
        .as("the dashboard's own socket")
        .isGreaterThanOrEqualTo(1);
    assertThat(stats.get("redis")).isEqualTo("disabled");
    assertThat(update.get("sample")).isInstanceOf(Map.class);

    Reply push = channel.push("anything", Map.of()).reply().get(15, TimeUnit.SECONDS);
    assertThat(push.status()).isEqualTo("error");
    assertThat(push.response()).isEqualTo(Map.of("reason", "read_only"));
  }

  @Test
  void withoutAnApiKeyTheDashboardIsDisabledOnTheChannelAndThePage() throws Exception {
    DispatchApp app = app("admin-disabled");
    Reply reply = join(socket(app), Map.of("key", KEY));
    assertThat(reply.status()).isEqualTo("error");
    assertThat(reply.response()).isEqualTo(Map.of("reason", "disabled"));

    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/admin"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).contains("The operator dashboard is disabled").contains("--api-key");
  }

  @Test
  void theBoardCountsEveryStateEvenWhenEmpty() {
    assertThat(AdminDashboard.countByState(List.of()))
        .containsExactly(
            Map.entry("offered", 0L),
            Map.entry("assigned", 0L),
            Map.entry("unassigned", 0L),
            Map.entry("resolved", 0L));
    var dispatches =
        List.of(
            dispatch("1", DispatchState.OFFERED),
            dispatch("2", DispatchState.RESOLVED),
            dispatch("3", DispatchState.RESOLVED));
    assertThat(AdminDashboard.countByState(dispatches))
        .containsEntry("offered", 1L)
        .containsEntry("resolved", 2L)
        .containsEntry("assigned", 0L);
  }

  private static Dispatch dispatch(String id, DispatchState state) {
    String hero = state == DispatchState.OFFERED || state == DispatchState.ASSIGNED ? "h" : null;
    return new Dispatch(id, "body", state, hero, 1, 0, 0, List.of(), 0, 0);
  }
}
