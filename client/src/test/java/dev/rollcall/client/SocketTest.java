package dev.rollcall.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Socket}, {@link Channel} and {@link Push} against a small real WebSocket server: joins,
 * replies, buffering, heartbeats, reconnect and rejoin, push timeouts, and {@code wss://}.
 */
class SocketTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final SocketConfig FAST =
      SocketConfig.defaults()
          .withReconnectAfter(tries -> Duration.ofMillis(50))
          .withRejoinAfter(tries -> Duration.ofMillis(50))
          .withTimeout(Duration.ofSeconds(5));

  private TinyPhoenixServer server;
  private Socket socket;

  @AfterEach
  void stop() {
    if (socket != null) {
      socket.disconnect().orTimeout(5, TimeUnit.SECONDS).join();
    }
    if (server != null) {
      server.close();
    }
  }

  private Socket socket(SocketConfig config) throws InterruptedException {
    if (server == null) {
      server = new TinyPhoenixServer();
    }
    socket = new Socket("ws://127.0.0.1:" + server.port() + "/socket", config);
    return socket;
  }

  @Test
  void theEndpointUrlIsPhoenixJsEndpointUrl() {
    var s =
        new Socket(
            "ws://example.org:4000/socket",
            SocketConfig.defaults().withParams(Map.of("token", "a b")));
    assertThat(s.endpointUrl())
        .hasToString("ws://example.org:4000/socket/websocket?token=a+b&vsn=2.0.0");
    assertThatThrownBy(() -> new Socket("http://example.org/socket"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ws:// or wss://");
  }

  @Test
  void joinsWithParamsAndGetsRepliesToPushes() throws Exception {
    Socket s = socket(FAST.withParams(Map.of("user", "a")).withAuthToken("secret"));
    s.connect();
    Channel channel = s.channel("room:1", Map.of());

    Reply joined = channel.join().reply().get(10, TimeUnit.SECONDS);
    Reply echoed = channel.push("echo", Map.of("n", 1)).reply().get(10, TimeUnit.SECONDS);

    assertThat(joined.status()).isEqualTo("ok");
    var response = (Map<?, ?>) joined.response();
    assertThat(response.get("user")).isEqualTo("a");
    assertThat(response.get("vsn")).isEqualTo("2.0.0");
    assertThat(response.get("subprotocols")).isEqualTo("phoenix,base64url.bearer.phx.c2VjcmV0");
    assertThat(echoed).isEqualTo(new Reply("ok", Map.of("n", 1)));
    assertThat(channel.state()).isEqualTo(ChannelState.JOINED);
  }

  @Test
  void pushesBeforeTheJoinAreBufferedAndSentOnceJoined() throws Exception {
    Socket s = socket(FAST);
    Channel channel = s.channel("room:1");
    var shouted = new CopyOnWriteArrayList<Object>();
    channel.on("shouted", shouted::add);
    channel.join();
    Push first = channel.push("echo", "one");
    Push second = channel.push("echo", "two");
    channel.push("shout", Map.of("x", 1));

    s.connect();

    assertThat(first.reply().get(10, TimeUnit.SECONDS)).isEqualTo(new Reply("ok", "one"));
    assertThat(second.reply().get(10, TimeUnit.SECONDS)).isEqualTo(new Reply("ok", "two"));
    await().atMost(WAIT).until(() -> shouted.equals(List.of(Map.of("x", 1))));
  }

  @Test
  void aPushWithoutReplyReceivesTimeout() throws Exception {
    Socket s = socket(FAST);
    s.connect();
    Channel channel = s.channel("room:1");
    channel.join().reply().get(10, TimeUnit.SECONDS);

    var timedOut = new CopyOnWriteArrayList<Object>();
    Push push =
        channel
            .push("unanswered", Map.of(), Duration.ofMillis(200))
            .receive("timeout", timedOut::add);

    assertThat(push.reply().get(10, TimeUnit.SECONDS)).isEqualTo(new Reply("timeout", Map.of()));
    assertThat(timedOut).containsExactly(Map.of());
    assertThat(channel.state())
        .as("a push timeout leaves the channel joined")
        .isEqualTo(ChannelState.JOINED);
  }

  @Test
  void pushingBeforeJoiningOrJoiningTwiceIsRefused() throws Exception {
    Channel channel = socket(FAST).channel("room:1");
    assertThatThrownBy(() -> channel.push("echo", Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before joining");
    channel.join();
    assertThatThrownBy(channel::join).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void heartbeatsGoOutAndAnUnansweredOneReconnectsAndRejoins() throws Exception {
    // A heartbeat reply later than the interval counts as a dead connection: 1 s, so that a loaded
    // machine does not reconnect on its own before the server falls silent.
    Socket s = socket(FAST.withHeartbeatInterval(Duration.ofSeconds(1)));
    var opens = new AtomicInteger();
    s.onOpen(opens::incrementAndGet);
    s.connect();
    Channel channel = s.channel("room:1");
    var joinOks = new AtomicInteger();
    channel.join().receive("ok", response -> joinOks.incrementAndGet());
    await().atMost(WAIT).until(() -> server.heartbeats.get() >= 2 && joinOks.get() >= 1);
    int opensBefore = opens.get();
    int joinOksBefore = joinOks.get();

    server.silentHeartbeats = true;
    await().atMost(WAIT).until(() -> opens.get() > opensBefore);
    server.silentHeartbeats = false;

    await().atMost(WAIT).until(() -> joinOks.get() > joinOksBefore);
    assertThat(channel.push("echo", "after").reply().get(10, TimeUnit.SECONDS))
        .isEqualTo(new Reply("ok", "after"));
  }

  @Test
  void whenTheServerClosesTheSocketReconnectsAndTheChannelRejoins() throws Exception {
    Socket s = socket(FAST);
    var closes = new CopyOnWriteArrayList<CloseStatus>();
    s.onClose(closes::add);
    s.connect();
    Channel channel = s.channel("room:1");
    var errors = new CopyOnWriteArrayList<Object>();
    channel.onError(errors::add);
    channel.join().reply().get(10, TimeUnit.SECONDS);

    channel.push("bye", Map.of());

    await().atMost(WAIT).until(() -> closes.size() == 1 && server.joins.get() == 2);
    assertThat(closes.getFirst().code()).isEqualTo(1001);
    assertThat(errors)
        .containsExactly(Map.of("source", "transport", "reason", "connection_closed"));
    await().atMost(WAIT).until(() -> channel.state() == ChannelState.JOINED);
    assertThat(channel.push("echo", "again").reply().get(10, TimeUnit.SECONDS))
        .isEqualTo(new Reply("ok", "again"));
  }

  @Test
  void aChannelThatCrashesOnTheServerRejoinsWithBackoff() throws Exception {
    Socket s = socket(FAST);
    s.connect();
    Channel channel = s.channel("room:1");
    var errors = new CopyOnWriteArrayList<Object>();
    channel.onError(errors::add);
    var joinOks = new AtomicInteger();
    channel.join().receive("ok", response -> joinOks.incrementAndGet());
    await().atMost(WAIT).until(() -> joinOks.get() == 1);

    channel.push("crash", Map.of());

    await().atMost(WAIT).until(() -> joinOks.get() == 2);
    assertThat(errors).containsExactly(Map.of());
    assertThat(s.isConnected()).as("a channel error leaves the socket up").isTrue();
    assertThat(channel.push("echo", "rejoined").reply().get(10, TimeUnit.SECONDS))
        .isEqualTo(new Reply("ok", "rejoined"));
  }

  @Test
  void disconnectStopsTheSocketAndConnectBringsTheChannelBack() throws Exception {
    Socket s = socket(FAST);
    s.connect();
    Channel channel = s.channel("room:1");
    channel.join().reply().get(10, TimeUnit.SECONDS);

    s.disconnect().get(10, TimeUnit.SECONDS);
    assertThat(s.isConnected()).isFalse();
    assertThat(channel.state()).isEqualTo(ChannelState.ERRORED);
    Push buffered = channel.push("echo", "while away");

    s.connect();
    assertThat(buffered.reply().get(10, TimeUnit.SECONDS)).isEqualTo(new Reply("ok", "while away"));
    assertThat(channel.state()).isEqualTo(ChannelState.JOINED);
    assertThat(server.joins.get()).isEqualTo(2);
  }

  @Test
  void aRefusedUpgradeIsReportedAndRetriedWithBackoff() throws Exception {
    Socket s = socket(FAST.withParams(Map.of("refuse", "yes")));
    var errors = new CopyOnWriteArrayList<Throwable>();
    s.onError(errors::add);

    s.connect();

    await().atMost(WAIT).until(() -> errors.size() >= 2);
    assertThat(errors.getFirst()).as("%s", errors).hasMessageContaining("403");
    assertThat(s.isConnected()).isFalse();
  }

  @Test
  void leavingClosesTheChannel() throws Exception {
    Socket s = socket(FAST);
    s.connect();
    Channel channel = s.channel("room:1");
    var closed = new CopyOnWriteArrayList<Object>();
    channel.onClose(closed::add);
    channel.join().reply().get(10, TimeUnit.SECONDS);

    channel.leave();

    await().atMost(WAIT).until(() -> closed.equals(List.of("leave")));
    assertThat(channel.state()).isEqualTo(ChannelState.CLOSED);
  }

  @Test
  void wssWithASelfSignedCertificateTrustedByTheTest(@TempDir Path dir) throws Exception {
    Path keystore = selfSignedKeystore(dir);
    char[] password = "changeit".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
    }
    var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    server = new TinyPhoenixServer(SslContextBuilder.forServer(keys).build());
    var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);

    socket =
        new Socket("wss://localhost:" + server.port() + "/socket", FAST.withTrustManagers(trust));
    socket.connect();
    Channel channel = socket.channel("room:tls");
    assertThat(channel.join().reply().get(10, TimeUnit.SECONDS).status()).isEqualTo("ok");
    assertThat(channel.push("echo", "secure").reply().get(10, TimeUnit.SECONDS))
        .isEqualTo(new Reply("ok", "secure"));

    // Without the test's trust, the JDK's trust store refuses the certificate.
    var untrusting = new Socket("wss://localhost:" + server.port() + "/socket", FAST);
    var errors = new CopyOnWriteArrayList<Throwable>();
    untrusting.onError(errors::add);
    untrusting.connect();
    await().atMost(WAIT).until(() -> !errors.isEmpty());
    untrusting.disconnect().orTimeout(5, TimeUnit.SECONDS).join();
    assertThat(untrusting.isConnected()).isFalse();
  }

  /**
   * A PKCS#12 key store with a self-signed certificate for localhost, made by the JDK's keytool.
   */
  private static Path selfSignedKeystore(Path dir) throws Exception {
    Path keystore = dir.resolve("localhost.p12");
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path keytool = java.resolveSibling("keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "localhost",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool: %s", output).isZero();
    return keystore;
  }
}
