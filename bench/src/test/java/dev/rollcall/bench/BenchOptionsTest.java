package dev.rollcall.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsSpreadConnectionsOverWorkersAndSources() {
    BenchOptions options = BenchOptions.parse("--connections", "100000", "--scenario", "capacity");
    assertThat(options.workers()).isEqualTo(6); // 19,500 per process at most
    assertThat(options.sources()).isEqualTo(4); // 25,000 per source address
    assertThat(Worker.sourceAddresses(2))
        .extracting(a -> a.getHostAddress())
        .containsExactly("127.0.0.2", "127.0.0.3");
  }

  @Test
  void aBurstTravelsToWorkerProcesses() {
    BenchOptions options = BenchOptions.parse("--burst", "100", "--connections", "1000");
    BenchOptions worker =
        BenchOptions.parse(
            options
                .workerArgs("ws://127.0.0.1:1/socket/websocket", false, 0)
                .toArray(String[]::new));
    assertThat(worker.burst()).isEqualTo(100);
  }

  @Test
  void growSpreadsHeroesOverWorkersOfFifteenThousandAndTellsThemTheirRun() {
    BenchOptions options =
        BenchOptions.parse(
            "--scenario", "grow", "--connections", "50000", "--nodes", "3", "--presence", "both");
    assertThat(options.workers()).isEqualTo(4);
    BenchOptions worker =
        BenchOptions.parse(
            options
                .forRun(PresenceMode.SUMMARY, 1234)
                .workerArgs("ws://127.0.0.1:1/socket/websocket", false, 2)
                .toArray(String[]::new));
    assertThat(worker.presence()).isEqualTo(PresenceMode.SUMMARY);
    assertThat(worker.originNanos()).isEqualTo(1234);
    assertThat(worker.workerIndex()).isEqualTo(2);
  }

  @Test
  void growRefusesMoreHeroesPerNodeThanOneProcessMayHoldFiles() {
    assertThatThrownBy(
            () ->
                BenchOptions.parse("--scenario", "grow", "--connections", "50000", "--nodes", "2"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("use --nodes 3");
    assertThatThrownBy(() -> BenchOptions.parse("--scenario", "grow", "--connections", "20000"))
        .hasMessageContaining("use --nodes 2");
    assertThatThrownBy(() -> BenchOptions.parse("--presence", "summary"))
        .hasMessage("--presence is a grow option (capacity takes --presence summary)");
    assertThatThrownBy(() -> BenchOptions.parse("--scenario", "capacity", "--presence", "both"))
        .hasMessage("--presence is a grow option (capacity takes --presence summary)");
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    "--scenario", "capacity", "--presence", "summary", "--baseline", "auto"))
        .hasMessageContaining("drop --baseline");
    assertThat(BenchOptions.parse("--scenario", "capacity", "--presence", "summary").presence())
        .isEqualTo(PresenceMode.SUMMARY);
    assertThatThrownBy(() -> BenchOptions.parse("--scenario", "grow", "--presence", "some"))
        .hasMessage("--presence must be full, summary or both, got some");
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    "--scenario", "grow", "--nodes", "2", "--url", "ws://127.0.0.1:1/socket"))
        .hasMessage("--nodes starts its own servers: a grow option, without --url");
  }

  @Test
  void theHardLimitCoversRampAndDuration() {
    BenchOptions options =
        BenchOptions.parse("--connections", "1000", "--ramp-rate", "100", "--duration", "5s");
    assertThat(options.hardLimit()).isEqualTo(Duration.ofSeconds(10 + 5 + 5 + 60));
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> BenchOptions.parse("--connections", "many"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--connections must be an integer, got many");
    assertThatThrownBy(() -> BenchOptions.parse("--connections", "40000", "--workers", "1"))
        .hasMessageContaining("use --workers 3");
    assertThatThrownBy(() -> BenchOptions.parse("--url", "http://x"))
        .hasMessage("--url must be a ws:// URL or auto, got http://x");
    assertThatThrownBy(() -> BenchOptions.parse("--duration", "soon"))
        .hasMessageContaining("like 500ms, 10s or 2m");
    assertThatThrownBy(() -> BenchOptions.parse("--scenario", "direct", "--burst", "100"))
        .hasMessage("--burst is a fanout mode");
    assertThatThrownBy(() -> BenchOptions.parse("--burst", "-1")).hasMessage("--burst must be ≥ 0");
    assertThatThrownBy(() -> BenchOptions.parse("--frobnicate", "1"))
        .hasMessage("unknown option: --frobnicate (see --help)");
  }

  @Test
  void helpAndUsageErrorsExitCleanly() throws Exception {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    var errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(BenchMain.run(outStream, errStream, "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--workers N", "--baseline", "--burst B");
    assertThat(BenchMain.run(outStream, errStream, "--scenario", "chaos")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown scenario: chaos");
  }
}
