package dev.rollcall.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./rollcall-bench}: runs one scenario against Rollcall and, if asked, the Socket.IO
 * baseline, one after the other on the same machine, and prints both with their ratio.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(System.out, System.err, args));
  }

  /** The whole tool; returns the exit code (0 ok, 1 failed run, 2 usage). */
  static int run(PrintStream out, PrintStream err, String... args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (UsageException e) {
      err.println("rollcall-bench: " + e.getMessage());
      return 2;
    }
    if (options.help()) {
      out.print(BenchOptions.USAGE);
      return 0;
    }
    if (options.workerIndex() >= 0) {
      return WorkerMain.run(options);
    }
    Path root = projectRoot();
    List<RunResult> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    if (options.scenario() == Scenario.GROW) {
      results.addAll(LobbyGrowth.run(options, root, out, failures));
    } else if (!options.target().equals("none")) {
      RunResult rollcall = runAgainst(options, root, false, out, err, failures);
      if (rollcall != null) {
        results.add(rollcall);
      }
    }
    if (!options.baseline().equals("none")) {
      RunResult baseline = runAgainst(options, root, true, out, err, failures);
      if (baseline != null) {
        results.add(baseline);
      }
    }
    ResultTable.print(out, options.scenario(), results);
    String json = json(options, results, failures);
    out.println(json);
    if (options.json() != null) {
      Files.writeString(options.json(), json + "\n");
    }
    failures.forEach(f -> err.println("rollcall-bench: " + f));
    return failures.isEmpty() ? 0 : 1;
  }

  private static RunResult runAgainst(
      BenchOptions options,
      Path root,
      boolean baseline,
      PrintStream out,
      PrintStream err,
      List<String> failures) {
    String spec = baseline ? options.baseline() : options.target();
    Duration startLimit = Duration.ofMinutes(5); // the launcher may build the jar first
    try (ServerProcess server =
        spec.equals("auto")
            ? (baseline
                ? ServerProcess.startSocketIo(root, startLimit)
                : ServerProcess.startRollcall(root, options.serverOpts(), startLimit))
            : ServerProcess.external(
                baseline ? "socket.io" : "rollcall",
                baseline ? Worker.Protocol.SOCKETIO : Worker.Protocol.PHOENIX,
                BenchOptions.urls(spec),
                baseline ? 0 : options.serverPid())) {
      return runScenario(options, server, out, err);
    } catch (IOException | RuntimeException e) {
      failures.add((baseline ? "baseline" : "rollcall") + ": " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.add("interrupted");
      return null;
    }
  }

  /** Ramp (all workers), memory probe, measured phase (all workers), merged report. */
  static RunResult runScenario(
      BenchOptions options, ServerProcess server, PrintStream out, PrintStream err)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + options.hardLimit().toNanos();
    String label = server.name + " " + options.scenario().id();
    boolean capacity = options.scenario() == Scenario.CAPACITY;
    ServerProcess.Memory before = capacity ? server.memory() : ServerProcess.Memory.UNKNOWN;

    List<WorkerHandle> workers = new ArrayList<>();
    try {
      if (options.workers() == 1) {
        workers.add(WorkerHandle.inProcess(options, server.protocol, server.urls, deadline));
      } else {
        for (int i = 0; i < options.workers(); i++) {
          workers.add(WorkerHandle.child(workerCommand(options, server, i)));
        }
      }
      awaitAll(workers, true, deadline, label, out);
      double rampSeconds = (System.nanoTime() - start) / 1e9;
      ServerProcess.Memory after = capacity ? server.memory() : ServerProcess.Memory.UNKNOWN;
      long go = System.nanoTime();
      workers.forEach(worker -> worker.go(go));
      // Workers stop at the hard limit themselves; allow them a moment to report, then kill.
      awaitAll(workers, false, deadline + 15_000_000_000L, label, out);
      WorkerReport merged = null;
      for (WorkerHandle worker : workers) {
        WorkerReport report = worker.report.getNow(null);
        if (report != null) {
          merged = merged == null ? report : merged.merge(report);
        }
      }
      if (merged == null) {
        throw new IOException("no worker reported (see errors above)");
      }
      return RunResult.of(server.name, options.scenario(), merged, rampSeconds, before, after);
    } finally {
      workers.forEach(WorkerHandle::kill);
    }
  }

  static void awaitAll(
      List<WorkerHandle> workers, boolean ready, long deadline, String label, PrintStream out)
      throws InterruptedException {
    long lastLine = System.nanoTime();
    while (System.nanoTime() < deadline) {
      boolean done = workers.stream().allMatch(w -> ready ? w.ready.isDone() : w.report.isDone());
      if (done) {
        break;
      }
      if (System.nanoTime() - lastLine >= 1_000_000_000L) {
        out.println(progressLine(label, ready ? "ramp" : "run", workers));
        lastLine = System.nanoTime();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    out.println(progressLine(label, ready ? "ramp done" : "run done", workers));
  }

  private static String progressLine(String label, String phase, List<WorkerHandle> workers) {
    Map<String, Long> sum = new LinkedHashMap<>();
    for (WorkerHandle worker : workers) {
      worker.progress().forEach((k, v) -> sum.merge(k, v.longValue(), Long::sum));
    }
    return String.format(
        Locale.ROOT,
        "[%s %s] connected %d joined %d errors %d delivered %d%s",
        label,
        phase,
        sum.getOrDefault("connected", 0L),
        sum.getOrDefault("joined", 0L),
        sum.getOrDefault("errors", 0L),
        sum.getOrDefault("delivered", 0L),
        sum.containsKey("rosters") && sum.get("rosters") > 0
            ? " rosters " + sum.get("rosters")
            : "");
  }

  private static List<String> workerCommand(BenchOptions options, ServerProcess server, int index) {
    return workerCommand(options, server.urls, server.protocol == Worker.Protocol.SOCKETIO, index);
  }

  /** A child JVM running this bench as worker {@code index} against {@code urls}. */
  static List<String> workerCommand(
      BenchOptions options, List<URI> urls, boolean socketIo, int index) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            java,
            "-Xmx1536m",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            BenchMain.class.getName()));
    command.addAll(
        options.workerArgs(
            String.join(",", urls.stream().map(URI::toString).toList()), socketIo, index));
    return command;
  }

  static Path projectRoot() {
    String root = System.getProperty("rollcall.root");
    if (root == null) {
      root = System.getenv("ROLLCALL_PROJECT_ROOT");
    }
    return Path.of(root == null ? "." : root).toAbsolutePath().normalize();
  }

  private static String json(BenchOptions options, List<RunResult> results, List<String> failures)
      throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("scenario", options.scenario().id());
    json.put("connections", options.connections());
    json.put("ramp_rate", options.rampRate());
    json.put("rate", options.rate());
    json.put("burst", options.burst());
    json.put("duration_s", options.duration().toMillis() / 1000.0);
    json.put("workers", options.workers());
    json.put("sources", options.sources());
    if (options.scenario() == Scenario.GROW) {
      json.put("presence", options.presence().id());
      json.put("nodes", options.nodes());
    }
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
    Map<String, Object> byServer = new LinkedHashMap<>();
    for (RunResult result : results) {
      Map<String, Object> entry = new LinkedHashMap<>(result.figures());
      entry.put("error_kinds", result.errors());
      byServer.put(result.server(), entry);
    }
    json.put("results", byServer);
    if (results.size() == 2) {
      json.put("ratios", ResultTable.ratios(results.get(0), results.get(1)));
    }
    json.put("failures", failures);
    return WorkerHandle.JSON.writeValueAsString(json);
  }
}
