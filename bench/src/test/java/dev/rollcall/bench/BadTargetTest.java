package dev.rollcall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the tool does with targets that misbehave: every failure is counted by kind and the run ends
 * by its hard limit. (The {@code @Timeout}s only guard against a hang.)
 */
class BadTargetTest {

  private static RunResult run(URI url, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--scenario",
                "fanout",
                "--connections",
                "20",
                "--duration",
                "1s",
                "--warmup",
                "0"));
    args.addAll(List.of(extra));
    BenchOptions options = BenchOptions.parse(args.toArray(String[]::new));
    var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return BenchMain.runScenario(
        options,
        ServerProcess.external("rollcall", Worker.Protocol.PHOENIX, List.of(url), 0),
        sink,
        sink);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anUnreachableTargetCountsRefusedConnects() throws Exception {
    int port;
    try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    RunResult result = run(URI.create("ws://127.0.0.1:" + port + "/socket/websocket"));
    assertThat(result.errors()).containsEntry("connect: refused", 20);
    assertThat(result.get(RunResult.Figure.CONNECTIONS)).isZero();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aRefusedUpgradeCountsItsStatus() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(403, -1);
          exchange.close();
        });
    server.start();
    try {
      RunResult result =
          run(URI.create("ws://127.0.0.1:" + server.getAddress().getPort() + "/socket/websocket"));
      assertThat(result.errors()).containsEntry("connect: HTTP 403", 20);
    } finally {
      server.stop(0);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aServerThatNeverAnswersStopsAtTheHardLimit() throws Exception {
    try (var silent = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        accepted.add(silent.accept()); // and never answer the upgrade
                      }
                    } catch (java.io.IOException closed) {
                      // test over
                    }
                  });
      RunResult result =
          run(
              URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/socket/websocket"),
              "--timeout",
              "2s");
      assertThat(result.get(RunResult.Figure.CONNECTIONS)).isZero();
      assertThat(result.get(RunResult.Figure.SENT)).isZero();
      acceptor.interrupt();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aServerThatDropsEveryConnectionCountsEachDrop() throws Exception {
    try (var dropper = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    dropper.accept().close();
                  }
                } catch (java.io.IOException closed) {
                  // test over
                }
              });
      RunResult result =
          run(URI.create("ws://127.0.0.1:" + dropper.getLocalPort() + "/socket/websocket"));
      assertThat(result.get(RunResult.Figure.CONNECTIONS)).isZero();
      assertThat(result.errors().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
    }
  }
}
