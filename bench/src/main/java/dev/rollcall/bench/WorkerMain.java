package dev.rollcall.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A worker process (started by the parent with {@code --worker-index i}): runs its share and speaks
 * to the parent in JSON lines on stdout, see {@link WorkerHandle}.
 */
final class WorkerMain {
  private WorkerMain() {}

  static int run(BenchOptions options) throws Exception {
    PrintStream out = System.out;
    long deadline = System.nanoTime() + options.hardLimit().toNanos();
    boolean socketIo = options.target().equals("none");
    Worker.Protocol protocol = socketIo ? Worker.Protocol.SOCKETIO : Worker.Protocol.PHOENIX;
    Worker[] holder = new Worker[1];
    Worker worker =
        new Worker(
            options,
            protocol,
            BenchOptions.urls(socketIo ? options.baseline() : options.target()),
            options.workerIndex(),
            options.workers(),
            deadline,
            phase -> {
              Map<String, Object> progress = new LinkedHashMap<>(holder[0].stats().progress());
              progress.put("phase", phase);
              emit(out, "progress", progress);
            });
    holder[0] = worker;
    try (worker) {
      worker.ramp();
      synchronized (out) {
        out.println("ready");
        out.flush();
      }
      var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String command = in.readLine();
      if (command == null || !command.startsWith("go ")) {
        return 1; // the parent gave up
      }
      // "go <nanos>", or in grow "go <nanos> <names the nodes list>"
      String[] go = command.substring(3).trim().split(" ");
      if (go.length > 1) {
        worker.expectCount(Long.parseLong(go[1]));
      }
      worker.measure(Long.parseLong(go[0]));
      emit(out, "report", worker.finish());
    }
    return 0;
  }

  private static void emit(PrintStream out, String type, Object body) {
    try {
      String json = WorkerHandle.JSON.writeValueAsString(body);
      synchronized (out) {
        out.println(type + " " + json);
        out.flush();
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
