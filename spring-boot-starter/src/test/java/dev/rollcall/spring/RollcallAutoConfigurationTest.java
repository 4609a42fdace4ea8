package dev.rollcall.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import dev.rollcall.client.CloseStatus;
import dev.rollcall.client.Presence;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.PubSub;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The starter in a real Spring Boot context, driven by the real Java client over WebSocket. */
@SpringBootTest(
    classes = RollcallAutoConfigurationTest.App.class,
    properties = {"rollcall.port=0", "rollcall.host=127.0.0.1", "rollcall.node=spring-test"})
class RollcallAutoConfigurationTest {

  /** An application: one channel bean that tracks each joiner and relays shouts. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    @Bean
    ChannelRoute rooms(dev.rollcall.presence.Presence presence) {
      return new ChannelRoute("room:*", () -> new ShoutChannel(presence));
    }
  }

  static final class ShoutChannel implements Channel {
    private final dev.rollcall.presence.Presence presence;

    ShoutChannel(dev.rollcall.presence.Presence presence) {
      this.presence = presence;
    }

    @Override
    public JoinResult join(String topic, Object params, ChannelSocket socket) {
      String user = params instanceof Map<?, ?> map ? String.valueOf(map.get("user")) : "?";
      presence.track(socket, user, Map.of());
      socket.send("after_join");
      return JoinResult.ok();
    }

    @Override
    public void handleInfo(Object message, ChannelSocket socket) throws Exception {
      if ("after_join".equals(message)) {
        socket.push("presence_state", presence.list(socket.topic()));
      } else {
        Channel.super.handleInfo(message, socket);
      }
    }

    @Override
    public Reply handleIn(String event, Object payload, ChannelSocket socket) {
      if (event.equals("shout")) {
        socket.broadcast("shout", payload);
        return Reply.ok();
      }
      return Reply.error("unknown event " + event);
    }
  }

  @Autowired RollcallServer server;
  @Autowired PubSub pubSub;
  @Autowired MeterRegistry meters;
  @Autowired HealthIndicator rollcallHealthIndicator;

  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  @AfterEach
  void disconnect() throws Exception {
    for (Socket socket : sockets) {
      socket.disconnect().get(5, TimeUnit.SECONDS);
    }
  }

  private Socket connect(int port) {
    Socket socket = new Socket("ws://127.0.0.1:" + port + "/socket", SocketConfig.defaults());
    sockets.add(socket);
    socket.connect();
    return socket;
  }

  @Test
  void channelBeansServeTheRealClientWithPresence() throws Exception {
    assertThat(pubSub).isInstanceOf(LocalPubSub.class);
    assertThat(pubSub.node()).isEqualTo("spring-test");
    var ann = connect(server.port()).channel("room:spring", Map.of("user", "ann"));
    var bob = connect(server.port()).channel("room:spring", Map.of("user", "bob"));
    Presence seenByAnn = new Presence(ann);
    List<Object> shouts = new CopyOnWriteArrayList<>();
    ann.on("shout", shouts::add);
    assertThat(ann.join().reply().get(5, TimeUnit.SECONDS).isOk()).isTrue();
    assertThat(bob.join().reply().get(5, TimeUnit.SECONDS).isOk()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> seenByAnn.state().keySet().equals(Set.of("ann", "bob")));

    assertThat(bob.push("shout", Map.of("body", "hi")).reply().get(5, TimeUnit.SECONDS).isOk())
        .isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> shouts.contains(Map.of("body", "hi")));
    assertThat(bob.push("whisper", Map.of()).reply().get(5, TimeUnit.SECONDS).response())
        .isEqualTo(Map.of("reason", "unknown event whisper"));

    assertThat(meters.get("rollcall.connections").gauge().value()).isEqualTo(2.0);
    assertThat(meters.get("rollcall.channels").gauge().value()).isEqualTo(2.0);
    assertThat(meters.get("rollcall.messages.in").functionCounter().count()).isGreaterThan(0);
    var health = rollcallHealthIndicator.health(true);
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("connections", 2L);
  }

  @Test
  void closingTheContextClosesConnectionsWith1001() throws Exception {
    ConfigurableApplicationContext context =
        new SpringApplication(App.class)
            .run("--rollcall.port=0", "--rollcall.host=127.0.0.1", "--spring.main.banner-mode=off");
    RollcallServer own = context.getBean(RollcallServer.class);
    Socket socket = connect(own.port());
    List<CloseStatus> closes = new CopyOnWriteArrayList<>();
    socket.onClose(closes::add);
    var channel = socket.channel("room:closing", Map.of("user", "cy"));
    assertThat(channel.join().reply().get(5, TimeUnit.SECONDS).isOk()).isTrue();

    context.close();

    assertThat(own.isRunning()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> !closes.isEmpty());
    assertThat(closes.getFirst().code()).isEqualTo(1001);
  }
}
