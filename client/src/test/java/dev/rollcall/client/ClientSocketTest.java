package dev.rollcall.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.HandshakeException;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ReplyPayload;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientSocketTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static TinyPhoenixServer server;
  private static PhoenixClient client;

  @BeforeAll
  static void start() throws InterruptedException {
    server = new TinyPhoenixServer();
    client = new PhoenixClient(ClientConfig.defaults());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  private static URI url() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/socket/websocket");
  }

  private static ClientSocket connect(SocketOptions options) throws Exception {
    return client.connect(url(), options).get(5, TimeUnit.SECONDS);
  }

  @Test
  void joinsWithJoinRefEqualToRefAndSendsParamsAndVsn() throws Exception {
    ClientSocket socket = connect(SocketOptions.defaults().withParams(Map.of("user", "a b")));
    Message reply = socket.join("room:1", Map.of()).get(5, TimeUnit.SECONDS);

    assertThat(reply.joinRef()).isEqualTo("1").isEqualTo(reply.ref());
    assertThat(reply.topic()).isEqualTo("room:1");
    assertThat(reply.payload())
        .isEqualTo(new ReplyPayload("ok", Map.of("user", "a b", "vsn", "2.0.0")));
    assertThat(socket.joinRef("room:1")).isEqualTo("1");
    // Replies also reach the mailbox, like every frame.
    assertThat(socket.expect("room:1", Message.REPLY, WAIT)).isEqualTo(reply);
    socket.close();
  }

  @Test
  void pushesCarryTheJoinRefAndFreshRefs() throws Exception {
    ClientSocket socket = connect(SocketOptions.defaults());
    socket.join("room:1", Map.of()).get(5, TimeUnit.SECONDS);
    Message reply = socket.push("room:1", "echo", Map.of("n", 1)).get(5, TimeUnit.SECONDS);
    assertThat(reply)
        .isEqualTo(
            new Message("1", "2", "room:1", Message.REPLY, new ReplyPayload("ok", Map.of("n", 1))));

    socket.send("room:1", "shout", Map.of("x", "y"));
    assertThat(socket.expect("room:1", "shouted", WAIT))
        .isEqualTo(new Message("1", null, "room:1", "shouted", Map.of("x", "y")));

    byte[] bytes = {1, 2, 3};
    Message binaryReply = socket.push("room:1", "echo", bytes).get(5, TimeUnit.SECONDS);
    assertThat(ClientSocket.status(binaryReply)).isEqualTo("ok");
    assertThat((byte[]) ClientSocket.response(binaryReply)).isEqualTo(bytes);
    socket.close();
  }

  @Test
  void heartbeatsAreAnsweredAndSentPeriodically() throws Exception {
    ClientSocket socket = connect(SocketOptions.defaults().withHeartbeat(Duration.ofMillis(50)));
    Message reply = socket.heartbeat().get(5, TimeUnit.SECONDS);
    assertThat(reply.topic()).isEqualTo("phoenix");
    assertThat(reply.joinRef()).isNull();
    int before = server.heartbeats.get();
    await().atMost(WAIT).until(() -> server.heartbeats.get() >= before + 3);
    socket.close();
  }

  @Test
  void sendsTheAuthTokenAsPhoenixJsDoes() throws Exception {
    ClientSocket socket = connect(SocketOptions.defaults().withAuthToken("secret?"));
    Message reply = socket.join("room:1", Map.of()).get(5, TimeUnit.SECONDS);
    // base64url("secret?") without padding = c2VjcmV0Pw
    assertThat(ClientSocket.response(reply))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("subprotocols", "phoenix,base64url.bearer.phx.c2VjcmV0Pw");
    socket.close();
  }

  @Test
  void aRefusedUpgradeFailsTheConnectWithItsStatus() {
    var connecting =
        client.connect(url(), SocketOptions.defaults().withParams(Map.of("refuse", "1")));
    assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HandshakeException.class)
        .satisfies(e -> assertThat(((HandshakeException) e).status()).isEqualTo(403));
  }

  @Test
  void anUnreachableTargetFailsTheConnect() throws Exception {
    int closedPort;
    try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    var connecting =
        client.connect(URI.create("ws://127.0.0.1:" + closedPort + "/socket/websocket"));
    assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void aServerCloseFrameGivesItsCodeAndFailsPendingReplies() throws Exception {
    ClientSocket socket = connect(SocketOptions.defaults());
    var neverAnswered = socket.push("room:1", "silence", Map.of());
    socket.send("room:1", "bye", Map.of());
    assertThat(socket.closed().get(5, TimeUnit.SECONDS))
        .isEqualTo(new CloseStatus(1001, "going away"));
    assertThat(socket.isOpen()).isFalse();
    assertThatThrownBy(() -> neverAnswered.get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void aDroppedConnectionIsAnAbnormalClose() throws Exception {
    ClientSocket socket = connect(SocketOptions.defaults());
    socket.send("room:1", "drop", Map.of());
    assertThat(socket.closed().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseStatus.ABNORMAL);
  }

  @Test
  void bindsTheGivenSourceAddress() throws Exception {
    ClientSocket socket =
        connect(SocketOptions.defaults().withLocalAddress(InetAddress.getByName("127.0.0.2")));
    assertThat(socket.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
    socket.close();
    assertThat(socket.closed().get(5, TimeUnit.SECONDS).code()).isEqualTo(1000);
  }

  @Test
  void aListenerGetsEveryFrameAndTheClose() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    ClientListener listener =
        new ClientListener() {
          @Override
          public void onMessage(ClientSocket socket, Message message) {
            seen.add(message.event());
          }

          @Override
          public void onClose(ClientSocket socket, CloseStatus status) {
            seen.add(status.code());
          }
        };
    ClientSocket socket = connect(SocketOptions.defaults().withListener(listener));
    socket.join("room:1", Map.of()).get(5, TimeUnit.SECONDS);
    socket.send("room:1", "shout", Map.of());
    socket.send("room:1", "bye", Map.of());
    await().atMost(WAIT).until(() -> seen.size() == 3);
    assertThat(seen).containsExactly(Message.REPLY, "shouted", 1001);
    assertThatThrownBy(() -> socket.next(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
  }
}
