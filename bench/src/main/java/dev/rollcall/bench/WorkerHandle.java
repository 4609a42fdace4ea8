package dev.rollcall.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parent's view of one worker: it ramps, says it is ready, measures on {@link #go}, reports.
 * Either a thread in this process ({@link #inProcess}) or a child JVM ({@link #child}) that speaks
 * JSON lines on stdout ({@code progress}, {@code ready}, {@code report}) and reads {@code go} on
 * stdin. Thread-safe.
 */
abstract sealed class WorkerHandle permits WorkerHandle.InProcess, WorkerHandle.Child {
  static final ObjectMapper JSON = new ObjectMapper();

  final CompletableFuture<Void> ready = new CompletableFuture<>();
  final CompletableFuture<WorkerReport> report = new CompletableFuture<>();

  /** Starts the measured phase; {@code nanos} is the parent's System.nanoTime() at go. */
  abstract void go(long nanos);

  /**
   * Grow: the measured phase starts at {@code nanos}, and a hero's presence_count is exact when it
   * is {@code lobbyNames}, the names the nodes list.
   */
  abstract void go(long nanos, long lobbyNames);

  /** Latest progress counters (attempted, connected, joined, errors, delivered, rosters). */
  abstract Map<String, Number> progress();

  /** Ends the worker now (the hard limit passed). */
  abstract void kill();

  static WorkerHandle inProcess(
      BenchOptions options, Worker.Protocol protocol, List<URI> urls, long deadline) {
    return new InProcess(options, protocol, urls, deadline);
  }

  static WorkerHandle child(List<String> command) throws IOException {
    return new Child(command);
  }

  static final class InProcess extends WorkerHandle {
    private final Worker worker;
    private final CompletableFuture<Long> started = new CompletableFuture<>();
    private final Thread thread;

    InProcess(BenchOptions options, Worker.Protocol protocol, List<URI> urls, long deadline) {
      worker = new Worker(options, protocol, urls, 0, 1, deadline, phase -> {});
      thread =
          Thread.ofPlatform()
              .name("bench-worker")
              .daemon()
              .start(
                  () -> {
                    try {
                      worker.ramp();
                      ready.complete(null);
                      worker.measure(started.join());
                      report.complete(worker.finish());
                    } catch (RuntimeException e) {
                      worker.close();
                      ready.completeExceptionally(e);
                      report.completeExceptionally(e);
                    }
                  });
    }

    @Override
    void go(long nanos) {
      started.complete(nanos);
    }

    @Override
    void go(long nanos, long lobbyNames) {
      worker.expectCount(lobbyNames);
      started.complete(nanos);
    }

    @Override
    @SuppressWarnings("unchecked")
    Map<String, Number> progress() {
      return (Map<String, Number>) (Map<String, ?>) worker.stats().progress();
    }

    @Override
    void kill() {
      started.complete(System.nanoTime());
      thread.interrupt();
      worker.close();
      report.completeExceptionally(new IllegalStateException("worker stopped at the hard limit"));
    }
  }

  static final class Child extends WorkerHandle {
    private final Process process;
    private final Map<String, Number> progress = new ConcurrentHashMap<>();
    private final List<String> stderrTail = new ArrayList<>();

    Child(List<String> command) throws IOException {
      process = new ProcessBuilder(command).start();
      Thread.ofPlatform().daemon().name("bench-worker-out").start(this::readStdout);
      Thread.ofPlatform().daemon().name("bench-worker-err").start(this::readStderr);
    }

    private void readStdout() {
      try (var in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          int space = line.indexOf(' ');
          String type = space < 0 ? line : line.substring(0, space);
          String body = space < 0 ? "" : line.substring(space + 1);
          switch (type) {
            case "progress" -> {
              Map<?, ?> values = JSON.readValue(body, Map.class);
              values.forEach(
                  (key, value) -> {
                    if (value instanceof Number number) {
                      progress.put(String.valueOf(key), number);
                    }
                  });
            }
            case "ready" -> ready.complete(null);
            case "report" -> report.complete(JSON.readValue(body, WorkerReport.class));
            default -> {} // stray output
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      var gone = new IllegalStateException("worker exited early: " + stderr());
      ready.completeExceptionally(gone);
      report.completeExceptionally(gone);
    }

    private void readStderr() {
      try (var in =
          new BufferedReader(
              new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          synchronized (stderrTail) {
            stderrTail.add(line);
            if (stderrTail.size() > 20) {
              stderrTail.removeFirst();
            }
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }

    private String stderr() {
      synchronized (stderrTail) {
        return String.join("\n", stderrTail);
      }
    }

    @Override
    void go(long nanos) {
      command("go " + nanos);
    }

    @Override
    void go(long nanos, long lobbyNames) {
      command("go " + nanos + " " + lobbyNames);
    }

    private void command(String line) {
      try {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        report.completeExceptionally(e);
      }
    }

    @Override
    Map<String, Number> progress() {
      return progress;
    }

    @Override
    void kill() {
      process.destroyForcibly();
      report.completeExceptionally(new IllegalStateException("worker killed at the hard limit"));
    }
  }
}
