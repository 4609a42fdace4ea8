package dev.rollcall.examples.springchat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.Channel;
import dev.rollcall.client.Presence;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import dev.rollcall.spring.RollcallServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The Spring chat as users of the Java client see it, and its page served by the endpoint. */
@SpringBootTest(properties = "rollcall.port=0")
class SpringChatApplicationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired RollcallServer server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  @AfterEach
  void disconnect() throws Exception {
    for (Socket socket : sockets) {
      socket.disconnect().get(5, TimeUnit.SECONDS);
    }
  }

  /** A user in the room, with what they heard and who they see. */
  record User(Channel room, Presence presence) {}

  private User join(String user, Map<String, Object> seen) throws Exception {
    Socket socket =
        new Socket("ws://127.0.0.1:" + server.port() + "/socket", SocketConfig.defaults());
    sockets.add(socket);
    socket.connect();
    Channel room = socket.channel("room:spring", Map.of("user", user));
    room.on("history", payload -> seen.put("history", payload));
    room.on("new_msg", payload -> seen.put("new_msg", payload));
    Presence presence = new Presence(room); // before the join: presence_state follows its reply
    assertThat(room.join().reply().get(5, TimeUnit.SECONDS).isOk()).isTrue();
    return new User(room, presence);
  }

  @Test
  void chatWithPresenceTypingAndHistory() throws Exception {
    Map<String, Object> annSaw = new ConcurrentHashMap<>();
    Channel ann = join("ann", annSaw).room();
    Map<String, Object> bobSaw = new ConcurrentHashMap<>();
    Presence seenByBob = join("bob", bobSaw).presence();

    assertThat(ann.push("typing", Map.of("typing", true)).reply().get(5, TimeUnit.SECONDS).isOk())
        .isTrue();
    await()
        .atMost(WAIT)
        .until(
            () ->
                seenByBob.state().containsKey("ann")
                    && Boolean.TRUE.equals(
                        seenByBob.state().get("ann").metas().getFirst().get("typing")));

    assertThat(ann.push("new_msg", Map.of("body", "hi")).reply().get(5, TimeUnit.SECONDS).isOk())
        .isTrue();
    await().atMost(WAIT).until(() -> bobSaw.containsKey("new_msg"));
    assertThat(bobSaw.get("new_msg").toString()).contains("hi").contains("ann");

    Map<String, Object> cySaw = new ConcurrentHashMap<>();
    join("cy", cySaw);
    await().atMost(WAIT).until(() -> cySaw.containsKey("history"));
    assertThat(cySaw.get("history").toString()).contains("body=hi");
  }

  @Test
  void theEndpointServesThePage() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("new Presence(channel)");
    }
  }
}
