package dev.rollcall.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.Channel;
import dev.rollcall.client.Presence;
import dev.rollcall.client.PresenceEntry;
import dev.rollcall.client.Reply;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import dev.rollcall.pubsub.LocalPubSub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat as two users of the Java client see it. */
class ChatJavaClientTest {
  private ChatServer server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server = new ChatServer(0, new LocalPubSub("chat-java"));
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.disconnect().get(5, TimeUnit.SECONDS);
    }
    server.close();
  }

  record User(Channel room, Presence presence, List<Object> messages) {
    Reply push(String event, Map<String, Object> payload) throws Exception {
      return room.push(event, payload).reply().get(5, TimeUnit.SECONDS);
    }

    Object typing(String name) {
      PresenceEntry entry = presence.state().get(name);
      return entry == null ? null : entry.metas().getFirst().get("typing");
    }
  }

  private User join(String room, String name) throws Exception {
    Socket socket =
        new Socket("ws://127.0.0.1:" + server.port() + "/socket", SocketConfig.defaults());
    sockets.add(socket);
    socket.connect();
    Channel channel = socket.channel(room, Map.of("user", name));
    List<Object> messages = new CopyOnWriteArrayList<>();
    channel.on("new_msg", messages::add);
    Presence presence = new Presence(channel);
    Reply joined = channel.join().reply().get(5, TimeUnit.SECONDS);
    assertThat(joined.status()).as("join of " + name).isEqualTo("ok");
    return new User(channel, presence, messages);
  }

  @Test
  void usersSeeEachOtherTypeAndTalk() throws Exception {
    User ada = join("room:java", "ada");
    User bea = join("room:java", "bea");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ada.presence().state().keySet().equals(java.util.Set.of("ada", "bea")));
    // bea hears of ada in her own presence_state or in a diff after it, on her own socket
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(bea.typing("ada")).isEqualTo(false));

    assertThat(ada.push("typing", Map.of("typing", true)).isOk()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(bea.typing("ada")));

    assertThat(ada.push("new_msg", Map.of("body", "hello")).isOk()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> !bea.messages().isEmpty());
    assertThat(bea.messages().getFirst())
        .isInstanceOfSatisfying(
            Map.class,
            message -> {
              assertThat(message.get("user")).isEqualTo("ada");
              assertThat(message.get("body")).isEqualTo("hello");
            });
  }

  @Test
  void badPushesGetReasons() throws Exception {
    User cy = join("room:bad", "cy");
    assertThat(cy.push("typing", Map.of("typing", "maybe")))
        .isEqualTo(new Reply("error", Map.of("reason", "typing must be true or false")));
    assertThat(cy.push("new_msg", Map.of()).status()).isEqualTo("error");
    assertThat(cy.push("new_msg", Map.of("body", "fine")).isOk()).isTrue();
  }
}
