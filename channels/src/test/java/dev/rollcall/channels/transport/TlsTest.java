package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.TestSocket;
import dev.rollcall.testing.ExternalTool;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS, WSS and long-poll over HTTPS on one port, with a self-signed certificate made here by the
 * {@code openssl} CLI; and the start-up errors for TLS files that cannot serve.
 */
class TlsTest {
  @TempDir static Path dir;
  private static Path cert;
  private static Path key;
  private static Path otherKey;
  private static HttpClient trusting;
  private RunningEndpoint server;

  @BeforeAll
  static void makeCertificates() throws Exception {
    String openssl =
        ExternalTool.onPath("openssl")
            .orElseThrow(
                () ->
                    ExternalTool.missing(
                        "openssl is not installed: the TLS test cannot make its certificate",
                        "apt-get install openssl"))
            .toString();
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    selfSigned(openssl, cert, key);
    otherKey = dir.resolve("other-key.pem");
    selfSigned(openssl, dir.resolve("other-cert.pem"), otherKey);
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "rollcall-test", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trustManagers.getTrustManagers(), null);
    trusting = HttpClient.newBuilder().sslContext(ssl).build();
  }

  private static void selfSigned(String openssl, Path certFile, Path keyFile) throws Exception {
    Process process =
        new ProcessBuilder(
                openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                keyFile.toString(),
                "-out",
                certFile.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0)
        .as("openssl req: " + output)
        .isTrue();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void startTls() {
    server =
        new RunningEndpoint(
            config -> config.withTls(cert, key),
            builder ->
                builder.http(
                    "/hello",
                    request ->
                        new HttpRoute.Response(
                            200, "text/plain", "hi".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void httpsWssAndLongPollShareThePort() throws Exception {
    startTls();
    String base = "https://localhost:" + server.port();
    HttpResponse<String> hello =
        trusting.send(
            java.net.http.HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(hello.body()).isEqualTo("hi");

    HttpResponse<String> opened =
        trusting.send(
            java.net.http.HttpRequest.newBuilder(URI.create(base + "/socket/longpoll?vsn=2.0.0"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(opened.body()).startsWith("{\"status\":410,\"token\":\"SFMyNTY.");

    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws =
        trusting
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("wss://localhost:" + server.port() + "/socket/websocket?vsn=2.0.0"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket socket, CharSequence data, boolean last) {
                    reply.complete(data.toString());
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    ws.sendText("[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]", true);
    assertThat(reply.get(10, TimeUnit.SECONDS))
        .isEqualTo(
            "[\"1\",\"1\",\"room:lobby\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
    ws.abort();
  }

  @Test
  void plainHttpOnATlsPortGetsNoPage() {
    startTls();
    HttpClient plain = HttpClient.newHttpClient();
    assertThatThrownBy(
            () ->
                plain.send(
                    java.net.http.HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/hello"))
                        .timeout(java.time.Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  private static Endpoint start(Path certFile, Path keyFile) {
    return Endpoint.builder()
        .config(
            EndpointConfig.defaults().withHost("127.0.0.1").withPort(0).withTls(certFile, keyFile))
        .socket(TestSocket.create(new dev.rollcall.channels.testing.Recorder()))
        .start();
  }

  @Test
  void aMissingFileStopsTheStartWithItsName() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> start(cert, missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS private key file " + missing + " does not exist");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    assertThatThrownBy(() -> start(cert, otherKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TLS private key " + otherKey + " does not belong to the certificate in " + cert);
  }

  @Test
  void filesThatAreNotPemAreRefused() throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
    assertThatThrownBy(() -> start(cert, garbage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("TLS key file " + garbage + " holds no PKCS#8 PEM private key");
    assertThatThrownBy(() -> start(garbage, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("TLS certificate file " + garbage + " holds no PEM certificate");
  }

  @Test
  void anUnreadableFileIsRefused() throws IOException {
    Path unreadable = Files.createDirectory(dir.resolve("a-directory.pem"));
    assertThatThrownBy(() -> start(cert, unreadable))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("TLS private key file " + unreadable + " is not readable");
    assertThat(List.of(cert, key)).allMatch(Files::isReadable);
  }
}
