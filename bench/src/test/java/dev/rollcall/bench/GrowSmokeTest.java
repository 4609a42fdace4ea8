package dev.rollcall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
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
import org.junit.jupiter.api.Test;

/**
 * A tiny grow run, summary and full one after the other, over two dispatch nodes (the built jar)
 * clustered on a real redis-server, from two worker processes: every hero joins, every node ends up
 * listing all of them, and the table and JSON come out. Asserts behaviour, never timings.
 */
class GrowSmokeTest {
  private static final int HEROES = 200;
  private static RedisServerProcess redis;
  private static final List<ServerProcess> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    Path jar = BenchMain.projectRoot().resolve("dispatch/target/rollcall-dispatch.jar");
    if (!Files.isRegularFile(jar)) {
      throw ExternalTool.missing(
          "the dispatch jar " + jar + " is not built: the grow smoke run cannot run",
          "run ./mvnw package (or verify) from the repository root");
    }
    redis = RedisServerProcess.start();
    for (String node : List.of("n1", "n2")) {
      nodes.add(
          ServerProcess.startRollcallJar(
              jar, "-Xmx512m", Duration.ofSeconds(60), "--redis", redis.uri(), "--node", node));
    }
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(ServerProcess::close);
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void summaryAndFullBothEndWithEveryNodeListingEveryHero() throws Exception {
    String urls = String.join(",", nodes.stream().map(node -> node.url.toString()).toList());
    var bytes = new ByteArrayOutputStream();
    var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit =
        BenchMain.run(
            out,
            out,
            "--scenario",
            "grow",
            "--presence",
            "both",
            "--url",
            urls,
            "--connections",
            Integer.toString(HEROES),
            "--workers",
            "2",
            "--ramp-rate",
            "200",
            "--duration",
            "20s",
            "--timeout",
            "120s");
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(exit).as(output).isZero();
    assertThat(output).contains("== grow:", "joins/s, lobby 90-100 %");

    String json = output.lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b).get();
    JsonNode results = WorkerHandle.JSON.readTree(json).get("results");
    for (String mode : List.of("summary", "full")) {
      JsonNode result = results.get(mode);
      assertThat(result).as(mode).isNotNull();
      assertThat(result.get("connections").asInt()).as(mode).isEqualTo(HEROES);
      assertThat(result.get("nodes").asInt()).isEqualTo(2);
      assertThat(result.get("errors").asInt()).as(mode + " errors").isZero();
      // Every node's list held every hero after the last join (the figure exists only then).
      assertThat(result.has("nodes_exact_ms")).as(mode + ": nodes exact").isTrue();
      assertThat(result.get("bytes_per_join").asDouble()).isPositive();
    }
    JsonNode summary = results.get("summary");
    if (summary.get("count_frames").asDouble() > 0) {
      // A server with summary mode: no roster frames, and every hero's count ends exact.
      assertThat(summary.get("full_presence_frames").asDouble()).isZero();
      assertThat(summary.get("counts_exact").asInt()).isEqualTo(HEROES);
      assertThat(summary.has("counts_exact_ms")).isTrue();
    } else {
      // A server without it ignores the param and sends the roster: the tool says so.
      assertThat(output).contains("it has no summary mode");
      assertThat(summary.get("full_presence_frames").asDouble()).isGreaterThanOrEqualTo(1);
    }
    assertThat(results.get("full").get("count_frames").asDouble()).isZero();
  }
}
