package dev.rollcall.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The grow scenario: N heroes join the lobby at a steady ramp, spread over the worker processes and
 * the server nodes, in full or summary presence mode (or both, one after the other on fresh
 * servers). Per run: joins/s per tenth of the lobby, bytes each join costs the clients, heap per
 * connection on each node, and the time from the last join until every node lists every hero (from
 * each node's {@code /metrics}) and, in summary mode, until every hero's {@code presence_count} is
 * exact. Used by one thread.
 */
final class LobbyGrowth {
  /** The longest wait, after the ramp, for every node's list to hold every joined hero. */
  private static final Duration EXACT_LIMIT = Duration.ofSeconds(60);

  /** Above this many heroes the nodes' lists are scraped once a second, not four times. */
  private static final long SCRAPE_SLOWER_ABOVE = 10_000;

  /** The longest wait for a server to start (the launcher may build the jar first). */
  private static final Duration START_LIMIT = Duration.ofMinutes(5);

  private LobbyGrowth() {}

  /** Every mode asked for, each on fresh servers (or, given by URL, on an emptied lobby). */
  static List<RunResult> run(
      BenchOptions options, Path root, PrintStream out, List<String> failures) {
    List<PresenceMode> modes =
        options.presence() == PresenceMode.BOTH
            ? List.of(PresenceMode.SUMMARY, PresenceMode.FULL)
            : List.of(options.presence());
    List<RunResult> results = new ArrayList<>();
    for (PresenceMode mode : modes) {
      try (Servers servers = Servers.start(options, root)) {
        results.add(runOnce(options, mode, servers, out));
      } catch (IOException | RuntimeException e) {
        failures.add(mode.id() + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add("interrupted");
        break;
      }
    }
    return results;
  }

  /** The nodes of one run and the Redis they share, if the tool started them. */
  private record Servers(RedisServer redis, List<ServerProcess> nodes, List<String> names)
      implements AutoCloseable {

    static Servers start(BenchOptions options, Path root) throws IOException, InterruptedException {
      List<ServerProcess> nodes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      if (options.nodes() > 0) {
        RedisServer redis = RedisServer.start(Duration.ofSeconds(20));
        Servers servers = new Servers(redis, nodes, names);
        try {
          for (int i = 1; i <= options.nodes(); i++) {
            nodes.add(
                ServerProcess.startRollcallNode(
                    root, options.serverOpts(), redis.uri(), "n" + i, START_LIMIT));
            names.add("n" + i);
          }
        } catch (IOException | RuntimeException | InterruptedException e) {
          servers.close();
          throw e;
        }
        return servers;
      }
      if (options.target().equals("auto")) {
        nodes.add(ServerProcess.startRollcall(root, options.serverOpts(), START_LIMIT));
        names.add("n1");
        return new Servers(null, nodes, names);
      }
      List<URI> urls = BenchOptions.urls(options.target());
      for (int i = 0; i < urls.size(); i++) {
        long pid = urls.size() == 1 ? options.serverPid() : 0;
        nodes.add(
            ServerProcess.external(
                "n" + (i + 1), Worker.Protocol.PHOENIX, List.of(urls.get(i)), pid));
        names.add("n" + (i + 1));
      }
      Servers servers = new Servers(null, nodes, names);
      servers.awaitEmptyLobby();
      return servers;
    }

    List<URI> urls() {
      return nodes.stream().map(node -> node.url).toList();
    }

    /** Servers given by URL may still list the heroes of a previous run for a moment. */
    private void awaitEmptyLobby() throws IOException, InterruptedException {
      long end = System.nanoTime() + EXACT_LIMIT.toNanos();
      while (true) {
        List<Long> listed = presences(urls());
        if (listed.stream().allMatch(n -> n <= 0)) {
          return;
        }
        if (System.nanoTime() > end) {
          throw new IOException("the lobby is not empty: the nodes list " + listed);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }

    @Override
    public void close() {
      nodes.forEach(ServerProcess::close);
      if (redis != null) {
        redis.close();
      }
    }
  }

  private static RunResult runOnce(
      BenchOptions options, PresenceMode mode, Servers servers, PrintStream out)
      throws IOException, InterruptedException {
    String label = "grow " + mode.id();
    List<ServerProcess.Memory> before = memory(servers.nodes());
    long origin = System.nanoTime();
    BenchOptions run = options.forRun(mode, origin);
    long deadline = origin + run.hardLimit().toNanos();
    List<URI> urls = servers.urls();
    List<WorkerHandle> workers = new ArrayList<>();
    try {
      if (run.workers() == 1) {
        workers.add(WorkerHandle.inProcess(run, Worker.Protocol.PHOENIX, urls, deadline));
      } else {
        for (int i = 0; i < run.workers(); i++) {
          workers.add(WorkerHandle.child(BenchMain.workerCommand(run, urls, false, i)));
        }
      }
      BenchMain.awaitAll(workers, true, deadline, label, out);
      double rampSeconds = (System.nanoTime() - origin) / 1e9;
      // Heroes joined and still connected: a drop and its rejoin count once.
      long joined =
          workers.stream()
              .mapToLong(w -> w.progress().getOrDefault("present", 0).longValue())
              .sum();
      long exactAt = awaitNodesExact(urls, joined, label, out);
      long names = lobbyNames(urls, joined, label, out);
      List<ServerProcess.Memory> after = memory(servers.nodes());
      long go = System.nanoTime();
      workers.forEach(worker -> worker.go(go, names));
      // Timed from go, not from the hard limit: a ramp cut off by the limit is still reported,
      // after the waits for exact lists and quiet nodes above.
      long reportBy = go + run.duration().toNanos() + 30_000_000_000L;
      BenchMain.awaitAll(workers, false, reportBy, label, out);
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
      if (mode == PresenceMode.SUMMARY
          && merged.countFrames() == 0
          && merged.fullPresenceFrames() > 0) {
        out.println(
            "["
                + label
                + "] the server answered {\"presence\": \"summary\"} with presence_state and"
                + " presence_diff, no presence_count: it has no summary mode, so this run"
                + " measured full presence");
      }
      List<RunResult.NodeMemory> nodes = new ArrayList<>();
      for (int i = 0; i < servers.nodes().size(); i++) {
        nodes.add(new RunResult.NodeMemory(servers.names().get(i), before.get(i), after.get(i)));
      }
      return RunResult.ofGrowth(
          mode.id(), options.connections(), merged, rampSeconds, exactAt, nodes);
    } finally {
      workers.forEach(WorkerHandle::kill);
    }
  }

  /**
   * Waits (at most {@link #EXACT_LIMIT}) until every node lists the same number of presences in the
   * lobby, at least {@code joined} (a join whose client timed out may still be listed); returns
   * when, or 0 if never.
   */
  private static long awaitNodesExact(List<URI> urls, long joined, String label, PrintStream out)
      throws InterruptedException {
    long end = System.nanoTime() + EXACT_LIMIT.toNanos();
    long lastLine = System.nanoTime();
    while (System.nanoTime() < end) {
      List<Long> listed = presences(urls);
      long now = System.nanoTime();
      long first = listed.getFirst();
      if (joined > 0 && first >= joined && listed.stream().allMatch(n -> n == first)) {
        out.println("[" + label + "] every node lists " + first + " presences");
        return now;
      }
      if (now - lastLine > 5_000_000_000L) {
        out.println("[" + label + "] nodes list " + listed + ", waiting for " + joined + "+");
        lastLine = now;
      }
      // A scrape lists the lobby, O(N) on the node: at 100 000 heroes on 6 nodes, four a second
      // each would be a load of their own while the lists settle.
      TimeUnit.MILLISECONDS.sleep(joined > SCRAPE_SLOWER_ABOVE ? 1000 : 250);
    }
    out.println("[" + label + "] the nodes' lists did not agree within " + EXACT_LIMIT);
    return 0;
  }

  /**
   * The names in the lobby (what presence_count counts), from the first node: fewer than its
   * presences when heroes on two nodes drew one name at the same moment, which the app allows.
   */
  private static long lobbyNames(List<URI> urls, long joined, String label, PrintStream out) {
    long names = ServerProcess.metric(urls.getFirst(), "rollcall_heroes");
    long presences = ServerProcess.metric(urls.getFirst(), "rollcall_presences");
    if (names < 0 || presences < 0) {
      return joined;
    }
    if (names < presences) {
      out.println(
          "["
              + label
              + "] the lobby lists "
              + names
              + " names for "
              + presences
              + " presences ("
              + (presences - names)
              + " names drawn at once on two nodes);"
              + " a presence_count is exact when it says "
              + names);
    }
    return names;
  }

  /** Each node's lobby presences (cluster-wide, as that node sees them), -1 where unknown. */
  private static List<Long> presences(List<URI> urls) {
    return urls.stream().map(url -> ServerProcess.metric(url, "rollcall_presences")).toList();
  }

  /** Every node's memory at once (each waits for its node to go quiet, then forces a GC). */
  private static List<ServerProcess.Memory> memory(List<ServerProcess> nodes) {
    List<CompletableFuture<ServerProcess.Memory>> readings =
        nodes.stream()
            .map(node -> CompletableFuture.supplyAsync(node::memory, Thread::startVirtualThread))
            .toList();
    return readings.stream().map(CompletableFuture::join).toList();
  }
}
