package dev.rollcall.dispatch;

import static dev.rollcall.dispatch.LobbyHero.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.client.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lobby scenarios of the Node suite ({@code src/test/js/lobby.test.js}, which drives the app
 * with phoenix.js), run with the Java client against the real app, asserting what that suite
 * asserts: the client's channel, push and presence behaviour match phoenix.js on the real server.
 * Plus what phoenix.js does when the server goes away: reconnect, rejoin, and a roster rebuilt.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaClientLobbyTest {
  private static final long INTERVAL_MS = 200;
  private static final DispatchConfig CONFIG =
      DispatchConfig.defaults()
          .withNotifyInterval(Duration.ofMillis(INTERVAL_MS))
          .withSecret("s".repeat(40));
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static int port;
  private static DispatchApp app;
  private final List<LobbyHero> open = new ArrayList<>();

  @BeforeAll
  static void startTheApp() throws Exception {
    // Port 0: the app binds a port nobody holds; a restart takes the same one again.
    app = startApp();
    port = app.port();
  }

  private static DispatchApp startApp() {
    return DispatchApp.start(
        LaunchOptions.parse(
            "--port", String.valueOf(port), "--host", "127.0.0.1", "--node", "java-client"),
        CONFIG);
  }

  @AfterAll
  static void stopTheApp() {
    if (app != null) {
      app.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (LobbyHero hero : open) {
      hero.close();
    }
  }

  private static String url() {
    return "http://127.0.0.1:" + port;
  }

  private LobbyHero hero(String label) throws Exception {
    return opened(LobbyHero.join(label, url()));
  }

  private LobbyHero opened(LobbyHero hero) {
    open.add(hero);
    return hero;
  }

  private static List<String> sorted(String... names) {
    return java.util.Arrays.stream(names).sorted().toList();
  }

  /** A marker via notify_all that every hero got: every earlier delivery is in. */
  private static void settle(LobbyHero sender, LobbyHero... heroes) throws Exception {
    String marker = "marker " + Math.random();
    assertThat(sender.push("notify_all", Map.of("body", marker)).status()).isEqualTo("ok");
    for (LobbyHero hero : heroes) {
      waitFor(() -> hero.notificationsWithBody(marker) > 0, hero.label + " to get the marker");
    }
  }

  // --- joining the lobby

  @Test
  void theJoinerGetsUserInfoThenPresenceStateThatListsIt() throws Exception {
    LobbyHero a = hero("A");

    assertThat(a.joinReply).isEqualTo(new Reply("ok", Map.of()));
    waitFor(() -> !a.payloads("presence_state").isEmpty(), "presence_state");
    assertThat(
            a.events.stream()
                .map(LobbyHero.Event::event)
                .filter(e -> e.equals("user_info") || e.equals("presence_state"))
                .toList())
        .containsExactly("user_info", "presence_state");
    var state = (Map<?, ?>) a.payloads("presence_state").getFirst();
    var metas = (List<?>) ((Map<?, ?>) state.get(a.name)).get("metas");
    assertThat(metas).hasSize(1);
    var meta = (Map<?, ?>) metas.getFirst();
    assertThat(meta.get("user_name")).isEqualTo(a.name);
    assertThat((String) meta.get("online_at")).matches(Pattern.compile("^\\d{10}$"));
    assertThat(Math.abs(Long.parseLong((String) meta.get("online_at")) - nowSeconds()))
        .isLessThan(60);
    assertThat(meta.get("phx_ref")).isInstanceOf(String.class);
  }

  @Test
  void twoHeroesSeeEachOtherWithDifferentNames() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero b = hero("B");

    assertThat(a.name).isNotEqualTo(b.name);
    List<String> both = sorted(a.name, b.name);
    waitFor(() -> a.roster.equals(both), "A's roster to list A and B");
    waitFor(() -> b.roster.equals(both), "B's roster to list A and B");
  }

  @Test
  void anyOtherNotificationsTopicIsRefusedAsUnauthorized() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero intruder = opened(LobbyHero.join("intruder", url(), null, "notifications:" + a.name));

    assertThat(intruder.joinReply).isEqualTo(new Reply("error", Map.of("reason", "unauthorized")));
  }

  // --- notifications

  @Test
  void notifyAllReachesEveryHeroTheSenderToo() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero b = hero("B");
    LobbyHero c = hero("C");

    assertThat(a.push("notify_all", Map.of("body", "hello all"))).isEqualTo(ok());

    for (LobbyHero h : List.of(a, b, c)) {
      Map<?, ?> got =
          waitFor(
              () ->
                  h.notifications().stream()
                      .filter(n -> "hello all".equals(n.get("body")))
                      .findFirst()
                      .orElse(null),
              h.label);
      assertThat(got.get("from")).isEqualTo(a.name);
      assertThat(got.get("timestamp")).isInstanceOfAny(Integer.class, Long.class);
      assertThat(Math.abs(((Number) got.get("timestamp")).longValue() - nowSeconds()))
          .isLessThan(60);
    }
  }

  @Test
  void notifyOthersReachesEveryHeroButTheSender() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero b = hero("B");
    LobbyHero c = hero("C");

    assertThat(b.push("notify_others", Map.of("body", "hello others"))).isEqualTo(ok());

    settle(b, a, b, c);
    assertThat(a.notificationsWithBody("hello others")).isEqualTo(1);
    assertThat(c.notificationsWithBody("hello others")).isEqualTo(1);
    assertThat(
            a.notifications().stream()
                .filter(n -> "hello others".equals(n.get("body")))
                .findFirst()
                .orElseThrow()
                .get("from"))
        .isEqualTo(b.name);
    assertThat(b.notificationsWithBody("hello others"))
        .as("the sender does not get its own notify_others")
        .isZero();
  }

  @Test
  void notifyDirectReachesOnlyItsRecipient() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero b = hero("B");
    LobbyHero c = hero("C");
    waitFor(() -> a.roster.contains(b.name), "A to see B");

    assertThat(a.push("notify_direct", Map.of("body", "psst", "recipient", b.name)))
        .isEqualTo(ok());

    waitFor(() -> b.notificationsWithBody("psst") > 0, "B to get psst");
    assertThat(
            b.notifications().stream()
                .filter(n -> "psst".equals(n.get("body")))
                .findFirst()
                .orElseThrow()
                .get("from"))
        .isEqualTo(a.name);
    settle(a, a, b, c);
    assertThat(a.notificationsWithBody("psst")).isZero();
    assertThat(c.notificationsWithBody("psst")).isZero();
    assertThat(b.notificationsWithBody("psst")).isEqualTo(1);
  }

  @Test
  void theInternalServiceReachesAPresentHero() throws Exception {
    LobbyHero a = hero("A");
    waitFor(() -> a.roster.equals(List.of(a.name)), "A to be alone");

    String expected = "Message to " + a.name + " from internal service";
    Map<?, ?> got =
        waitFor(
            () ->
                a.notifications().stream()
                    .filter(n -> expected.equals(n.get("body")))
                    .findFirst()
                    .orElse(null),
            "the service notification");
    assertThat(got.get("from")).isEqualTo("dispatch");
    assertThat(got.get("timestamp")).isInstanceOfAny(Integer.class, Long.class);
  }

  // --- leaving

  @Test
  void aHeroWhoLeavesTheChannelDisappearsFromEveryRoster() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero b = hero("B");
    LobbyHero c = hero("C");
    List<String> all = sorted(a.name, b.name, c.name);
    for (LobbyHero h : List.of(a, c)) {
      waitFor(() -> h.roster.equals(all), h.label + " sees all");
    }

    b.channel.leave();

    List<String> rest = sorted(a.name, c.name);
    for (LobbyHero h : List.of(a, c)) {
      waitFor(() -> h.roster.equals(rest), h.label + " to drop B");
    }
  }

  @Test
  void aHeroWhoseConnectionClosesDisappearsFromEveryRoster() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero b = hero("B");
    waitFor(() -> a.roster.contains(b.name), "A to see B");

    b.close();

    waitFor(() -> !a.roster.contains(b.name), "A to drop B");
    assertThat(lobbyRoster()).as("a new joiner does not see B either").doesNotContain(b.name);
  }

  /** The lobby as a fresh observer sees it: its presence_state, without itself. */
  private List<String> lobbyRoster() throws Exception {
    try (LobbyHero observer = LobbyHero.join("observer", url())) {
      waitFor(() -> !observer.payloads("presence_state").isEmpty(), "presence_state");
      var state = (Map<?, ?>) observer.payloads("presence_state").getFirst();
      return state.keySet().stream()
          .map(String::valueOf)
          .filter(name -> !name.equals(observer.name))
          .toList();
    }
  }

  // --- validation

  @Test
  void everyInvalidNotifyGetsAnErrorReplyAndDeliversNothing() throws Exception {
    LobbyHero a = hero("A");
    LobbyHero b = hero("B");
    var body501 = "x".repeat(501);
    var payloadNullBody = new java.util.HashMap<String, Object>();
    payloadNullBody.put("body", null);
    List<Object[]> cases =
        List.of(
            new Object[] {"notify_all", Map.of(), "invalid_body"},
            new Object[] {"notify_all", Map.of("body", 42), "invalid_body"},
            new Object[] {"notify_others", payloadNullBody, "invalid_body"},
            new Object[] {"notify_all", Map.of("body", List.of("x")), "invalid_body"},
            new Object[] {"notify_all", Map.of("body", body501), "body_too_long"},
            new Object[] {"notify_others", Map.of("body", body501), "body_too_long"},
            new Object[] {"notify_direct", Map.of("body", "hi"), "unknown_recipient"},
            new Object[] {
              "notify_direct",
              Map.of("body", "hi", "recipient", "Nobody At All"),
              "unknown_recipient"
            },
            new Object[] {"notify_direct", Map.of("recipient", "Nobody At All"), "invalid_body"},
            new Object[] {
              "notify_direct", Map.of("body", body501, "recipient", b.name), "body_too_long"
            });

    for (Object[] c : cases) {
      assertThat(a.push((String) c[0], c[1]))
          .as(
              "%s %s",
              c[0], String.valueOf(c[1]).substring(0, Math.min(60, String.valueOf(c[1]).length())))
          .isEqualTo(new Reply("error", Map.of("reason", c[2])));
    }

    settle(a, a, b);
    for (LobbyHero h : List.of(a, b)) {
      assertThat(
              h.notifications().stream()
                  .filter(n -> !String.valueOf(n.get("body")).startsWith("marker"))
                  .filter(n -> !"dispatch".equals(n.get("from")))
                  .toList())
          .as("%s got nothing from the refused pushes", h.label)
          .isEmpty();
    }
  }

  @Test
  void fiveHundredCharactersAreAccepted() throws Exception {
    LobbyHero a = hero("A");
    assertThat(a.push("notify_all", Map.of("body", "x".repeat(500)))).isEqualTo(ok());
  }

  @Test
  void anUnknownEventIsAnErrorReplyAndTheChannelStaysJoined() throws Exception {
    LobbyHero a = hero("A");
    assertThat(a.push("dance", Map.of()))
        .isEqualTo(new Reply("error", Map.of("reason", "unknown_event")));
    assertThat(a.push("notify_all", Map.of("body", "still here"))).isEqualTo(ok());
  }

  // --- identity token

  @Test
  void aHeroWithATokenKeepsItsNameAcrossReconnects() throws Exception {
    Map<?, ?> issued = token(null);
    LobbyHero first = LobbyHero.join("first", url(), (String) issued.get("token"), LobbyHero.LOBBY);
    assertThat(first.name).isEqualTo(issued.get("user_name"));
    first.close();

    Map<?, ?> renewed = token((String) issued.get("token"));
    assertThat(renewed.get("user_name"))
        .as("renewing keeps the hero")
        .isEqualTo(issued.get("user_name"));
    LobbyHero again =
        opened(LobbyHero.join("again", url(), (String) renewed.get("token"), LobbyHero.LOBBY));
    assertThat(again.name).isEqualTo(issued.get("user_name"));
  }

  @Test
  void theSameTokenOnTwoConnectionsIsOneHeroWithTwoMetas() throws Exception {
    String token = (String) token(null).get("token");
    LobbyHero a = opened(LobbyHero.join("tab 1", url(), token, LobbyHero.LOBBY));
    LobbyHero b = opened(LobbyHero.join("tab 2", url(), token, LobbyHero.LOBBY));
    assertThat(a.name).isEqualTo(b.name);
    waitFor(() -> Integer.valueOf(2).equals(a.metas.get(a.name)), "one hero with two metas");
  }

  // --- what phoenix.js does when the server goes away

  @Test
  void afterTheServerRestartsTheSocketReconnectsAndTheChannelRejoins() throws Exception {
    LobbyHero a = hero("A");
    waitFor(() -> a.roster.contains(a.name), "A to see itself");
    var closes = new java.util.concurrent.CopyOnWriteArrayList<Object>();
    a.channel.onError(closes::add);
    int userInfosBefore = a.payloads("user_info").size();

    app.close();
    waitFor(() -> !closes.isEmpty(), "the channel to error when the connection drops");
    app = startApp();

    waitFor(() -> a.payloads("user_info").size() > userInfosBefore, "A's rejoin (a new user_info)");
    waitFor(
        () -> a.roster.equals(List.of(a.name)), "A's roster rebuilt from the new presence_state");
    assertThat(a.push("notify_all", Map.of("body", "back"))).isEqualTo(ok());
    waitFor(() -> a.notificationsWithBody("back") > 0, "A to get its own notification");
  }

  private static Reply ok() {
    return new Reply("ok", Map.of());
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  private static Map<?, ?> token(String current) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(url() + "/api/token"));
    if (current != null) {
      request.header("Authorization", "Bearer " + current);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new ObjectMapper().readValue(response.body(), Map.class);
  }
}
