package dev.rollcall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.testing.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A tiny run of every scenario against the real dispatch app (its built jar) and the Socket.IO
 * baseline, so the load generator cannot rot. Asserts what a user of the tool sees (connections
 * reached, deliveries, complete rosters, memory figures), never timings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScenarioSmokeTest {
  private static final int HEROES = 60;
  private static final List<ServerProcess> servers = new ArrayList<>();

  @BeforeAll
  static void startServers() throws Exception {
    Path root = BenchMain.projectRoot();
    Path jar = root.resolve("dispatch/target/rollcall-dispatch.jar");
    if (!Files.isRegularFile(jar)) {
      throw ExternalTool.missing(
          "the dispatch jar " + jar + " is not built: the load generator smoke run cannot run",
          "run ./mvnw package (or verify) from the repository root");
    }
    if (ExternalTool.onPath("node").isEmpty() || ExternalTool.onPath("npm").isEmpty()) {
      throw ExternalTool.missing(
          "node and npm are not installed: the Socket.IO baseline smoke run cannot run",
          "install Node.js 18+ with npm");
    }
    servers.add(ServerProcess.startRollcallJar(jar, "-Xmx512m", Duration.ofSeconds(60)));
    servers.add(ServerProcess.startSocketIo(root, Duration.ofSeconds(120)));
  }

  @AfterAll
  static void stopServers() {
    servers.forEach(ServerProcess::close);
  }

  private static List<RunResult> run(String... args) throws Exception {
    return run(servers, args);
  }

  private static List<RunResult> run(List<ServerProcess> against, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--connections", Integer.toString(HEROES)));
    all.addAll(List.of("--ramp-rate", "500", "--timeout", "60s", "--heartbeat", "1s"));
    all.addAll(List.of("--warmup", "0"));
    all.addAll(List.of(args));
    BenchOptions options = BenchOptions.parse(all.toArray(String[]::new));
    var progress = new ByteArrayOutputStream();
    var out = new PrintStream(progress, true, StandardCharsets.UTF_8);
    List<RunResult> results = new ArrayList<>();
    for (ServerProcess server : against) {
      results.add(BenchMain.runScenario(options, server, out, out));
    }
    ResultTable.print(System.out, options.scenario(), results);
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("ramp done");
    for (RunResult result : results) {
      assertThat(result.get(RunResult.Figure.CONNECTIONS)).as(result.server()).isEqualTo(HEROES);
      assertThat(result.errors()).as(result.server() + " errors").isEmpty();
      assertThat(result.get(RunResult.Figure.JOIN_P50)).isPositive();
    }
    return results;
  }

  @Test
  @Order(1)
  void storm() throws Exception {
    for (RunResult result : run("--scenario", "storm", "--duration", "20s")) {
      assertThat(result.get(RunResult.Figure.ROSTERS_COMPLETE))
          .as(result.server())
          .isEqualTo(HEROES);
      assertThat(result.get(RunResult.Figure.PRESENCE_FRAMES_MEAN)).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  @Order(2)
  void capacity() throws Exception {
    for (RunResult result : run("--scenario", "capacity", "--duration", "1s")) {
      assertThat(result.get(RunResult.Figure.HEAP_PER_CONNECTION)).as(result.server()).isNotNull();
      assertThat(result.get(RunResult.Figure.RSS_PER_CONNECTION)).isNotNull();
    }
  }

  @Test
  @Order(2)
  void capacityWithSummaryClients() throws Exception {
    // Rollcall only: the Socket.IO baseline has no summary mode. A join the server refused
    // (an unknown presence mode) would be an error here.
    List<RunResult> results =
        run(
            servers.subList(0, 1),
            "--scenario",
            "capacity",
            "--presence",
            "summary",
            "--duration",
            "1s");
    assertThat(results).hasSize(1);
    assertThat(results.getFirst().get(RunResult.Figure.HEAP_PER_CONNECTION)).isNotNull();
  }

  @Test
  @Order(3)
  void fanOut() throws Exception {
    for (RunResult result : run("--scenario", "fanout", "--duration", "2s", "--rate", "10")) {
      double sent = result.get(RunResult.Figure.SENT);
      assertThat(sent).as(result.server()).isPositive();
      // Every hero, the sender too, gets every notify_all.
      assertThat(result.get(RunResult.Figure.DELIVERED)).isEqualTo(sent * HEROES);
      assertThat(result.get(RunResult.Figure.DELIVERY_P99)).isPositive();
    }
  }

  @Test
  @Order(4)
  void fanOutBurst() throws Exception {
    // After 1 s of warm-up bursts, one measured burst of 50 broadcasts from 2 heroes. The run ends
    // once every hero has the burst; the duration only bounds the wait, for a loaded machine.
    for (RunResult result :
        run("--scenario", "fanout", "--burst", "50", "--warmup", "1s", "--duration", "30s")) {
      assertThat(result.get(RunResult.Figure.SENT)).as(result.server()).isEqualTo(50);
      assertThat(result.get(RunResult.Figure.DELIVERED)).isEqualTo(50.0 * HEROES);
      assertThat(result.get(RunResult.Figure.DELIVERIES_PER_SECOND)).isPositive();
    }
  }

  @Test
  @Order(5)
  void direct() throws Exception {
    for (RunResult result : run("--scenario", "direct", "--duration", "2s", "--rate", "50")) {
      double sent = result.get(RunResult.Figure.SENT);
      assertThat(sent).as(result.server()).isPositive();
      assertThat(result.get(RunResult.Figure.DELIVERED)).isEqualTo(sent);
    }
  }
}
