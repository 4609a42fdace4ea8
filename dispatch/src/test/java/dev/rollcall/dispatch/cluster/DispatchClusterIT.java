package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.protocol.Message;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dispatch offers across three launcher nodes on a real Redis: an offer finds its hero on another
 * node, and a dispatch pending when the driving node is SIGKILLed is resumed by the next driver
 * with exactly one holder.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DispatchClusterIT {
  private static final String LOBBY = "notifications:lobby";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private RedisServerProcess redis;
  private PhoenixClient client;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ClientSocket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
    client = new PhoenixClient(ClientConfig.defaults().withEventLoopThreads(1));
    List<CompletableFuture<ClusterNode>> starting = new ArrayList<>();
    for (String name : List.of("n1", "n2", "n3")) {
      // A long offer timeout: the offer must still be pending after the driver's death.
      starting.add(
          CompletableFuture.supplyAsync(
              () -> ClusterNode.start(name, redis.uri(), "1h", "--offer-timeout", "60s")));
    }
    for (var node : starting) {
      nodes.add(node.join());
    }
  }

  @AfterEach
  void stop() {
    sockets.forEach(ClientSocket::close);
    for (ClusterNode node : nodes) {
      node.close();
      String log = node.log();
      System.out.println(
          "---- " + node + " ----\n" + log.substring(Math.max(0, log.length() - 4000)));
    }
    client.close();
    redis.close();
  }

  /** A hero in the lobby of {@code node}, with its name. */
  private record Hero(ClientSocket socket, String name) {
    Message push(String event, Map<String, Object> payload) throws Exception {
      return socket.push(LOBBY, event, payload).get(10, TimeUnit.SECONDS);
    }

    /** The offer of {@code id}, waiting for it. */
    Map<?, ?> offer(String id, Duration within) {
      return (Map<?, ?>)
          socket
              .expect(
                  m ->
                      m.event().equals("dispatch_offer")
                          && m.payload() instanceof Map<?, ?> p
                          && id.equals(p.get("id")),
                  within)
              .payload();
    }
  }

  private Hero join(ClusterNode node, String status) throws Exception {
    ClientSocket socket = client.connect(node.socketUri()).get(10, TimeUnit.SECONDS);
    sockets.add(socket);
    assertThat(ClientSocket.status(socket.join(LOBBY, Map.of()).get(10, TimeUnit.SECONDS)))
        .isEqualTo("ok");
    var info = (Map<?, ?>) socket.expect(LOBBY, "user_info", WAIT).payload();
    var hero = new Hero(socket, (String) info.get("user_name"));
    assertThat(ClientSocket.status(hero.push("set_status", Map.of("status", status))))
        .isEqualTo("ok");
    return hero;
  }

  private static String report(Hero reporter, String body) throws Exception {
    Message reply = reporter.push("report_incident", Map.of("body", body));
    assertThat(ClientSocket.status(reply)).as("report %s", reply).isEqualTo("ok");
    return (String) ((Map<?, ?>) ClientSocket.response(reply)).get("id");
  }

  private void awaitHeroes(int count) {
    await("every node to see " + count + " heroes")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              for (ClusterNode node : nodes) {
                if (node.isAlive() && node.metric("rollcall_heroes") != count) {
                  return false;
                }
              }
              return true;
            });
  }

  private ClusterNode driver() {
    return await("one node to drive dispatches")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              List<ClusterNode> driving = new ArrayList<>();
              for (ClusterNode node : nodes) {
                if (node.isAlive() && node.metric("rollcall_dispatch_driving") == 1) {
                  driving.add(node);
                }
              }
              return driving.size() == 1 ? driving.get(0) : null;
            },
            java.util.Objects::nonNull);
  }

  /** The dispatch as a hero joining {@code node} now sees it on its board. */
  private Map<?, ?> onBoard(ClusterNode node, String id) throws Exception {
    ClientSocket socket = client.connect(node.socketUri()).get(10, TimeUnit.SECONDS);
    try {
      socket.join(LOBBY, Map.of()).get(10, TimeUnit.SECONDS);
      var board = (Map<?, ?>) socket.expect(LOBBY, "dispatch_board", WAIT).payload();
      return ((List<?>) board.get("dispatches"))
          .stream()
              .map(d -> (Map<?, ?>) d)
              .filter(d -> id.equals(d.get("id")))
              .findFirst()
              .orElseThrow(() -> new AssertionError(id + " not on the board: " + board));
    } finally {
      socket.close();
    }
  }

  @Test
  void anIncidentReportedOnNodeOneIsOfferedToAndAcceptedByAHeroOnNodeThree() throws Exception {
    Hero reporter = join(nodes.get(0), "off_duty");
    Hero responder = join(nodes.get(2), "available");
    awaitHeroes(2);

    String id = report(reporter, "bank robbery");
    var offer = responder.offer(id, WAIT);
    assertThat(offer.get("body")).isEqualTo("bank robbery");
    assertThat(ClientSocket.status(responder.push("accept_dispatch", Map.of("id", id))))
        .isEqualTo("ok");

    Message assigned =
        reporter
            .socket()
            .expect(
                m ->
                    m.event().equals("dispatch_update")
                        && m.payload() instanceof Map<?, ?> p
                        && id.equals(p.get("id"))
                        && "assigned".equals(p.get("state")),
                WAIT);
    assertThat(((Map<?, ?>) assigned.payload()).get("hero")).isEqualTo(responder.name());
    Message again = reporter.push("accept_dispatch", Map.of("id", id));
    assertThat(ClientSocket.response(again)).isEqualTo(Map.of("reason", "not_offered"));
  }

  @Test
  void theDriverKilledWhileAnOfferIsPendingLeavesExactlyOneHolder() throws Exception {
    ClusterNode driving = driver();
    List<ClusterNode> others = nodes.stream().filter(n -> n != driving).toList();
    Hero reporter = join(others.get(0), "off_duty");
    Hero first = join(others.get(0), "available");
    Hero second = join(others.get(1), "available");
    awaitHeroes(3);

    String id = report(reporter, "fire in the depot");
    Hero holder =
        await("one of the two to get the offer")
            .atMost(WAIT)
            .until(
                () -> {
                  for (Hero h : List.of(first, second)) {
                    try {
                      h.offer(id, Duration.ofMillis(50));
                      return h;
                    } catch (AssertionError notYet) {
                      // the other one, or later
                    }
                  }
                  return null;
                },
                java.util.Objects::nonNull);
    Hero other = holder == first ? second : first;

    driving.kill();
    long killedAt = System.nanoTime();
    ClusterNode next = driver();
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
        .as("another node drives within 5 s")
        .isLessThan(Duration.ofSeconds(5).plus(WAIT));

    // The other hero was never offered it, and may not take it; the holder still may.
    other.socket().expectNone(m -> m.event().equals("dispatch_offer"), Duration.ofMillis(300));
    Message refused = other.push("accept_dispatch", Map.of("id", id));
    assertThat(ClientSocket.response(refused)).isEqualTo(Map.of("reason", "not_offered"));
    Message accepted = holder.push("accept_dispatch", Map.of("id", id));
    assertThat(ClientSocket.status(accepted)).as("%s", accepted).isEqualTo("ok");
    Message twice = other.push("accept_dispatch", Map.of("id", id));
    assertThat(ClientSocket.response(twice)).isEqualTo(Map.of("reason", "not_offered"));

    Map<?, ?> entry = onBoard(next, id);
    assertThat(entry.get("state")).isEqualTo("assigned");
    assertThat(entry.get("hero")).isEqualTo(holder.name());
    assertThat(entry.get("attempts")).as("never offered to a second hero").isEqualTo(1);
  }
}
