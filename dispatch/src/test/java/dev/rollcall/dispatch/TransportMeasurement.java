package dev.rollcall.dispatch;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the transports for docs/benchmarks.md (not a test): the launcher jar in its own process
 * with the given flags, {@code src/test/js/tools/transport-load.mjs} as the heroes (a join storm,
 * then a fan-out), and between phases the server's CPU time and the bytes it wrote to sockets
 * ({@code /proc/<pid>/stat} utime+stime, {@code /proc/<pid>/io} wchar). Run from the dispatch
 * module directory: {@code java -cp target/test-classes TransportMeasurement websocket --compress
 * on}.
 */
public final class TransportMeasurement {
  private TransportMeasurement() {}

  public static void main(String[] args) throws Exception {
    String transport = args.length > 0 ? args[0] : "websocket";
    int port;
    try (var probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx1g",
                "-jar",
                "target/rollcall-dispatch.jar",
                "--port",
                String.valueOf(port),
                "--host",
                "127.0.0.1",
                "--notify-interval",
                "1h"));
    command.addAll(List.of(args).subList(Math.min(1, args.length), args.length));
    Process server =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target/transport-measurement.log").toFile())
            .start();
    try {
      Thread.sleep(4000); // started and warm enough to take connections
      ProcessBuilder builder =
          new ProcessBuilder("node", "tools/transport-load.mjs")
              .directory(Path.of("src/test/js").toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().put("DISPATCH_URL", "http://127.0.0.1:" + port);
      builder.environment().put("TRANSPORT", transport);
      Process load = builder.start();
      OutputStream toLoad = load.getOutputStream();
      var fromLoad =
          new BufferedReader(new InputStreamReader(load.getInputStream(), StandardCharsets.UTF_8));
      long[] last = sample(server.pid());
      for (String line = fromLoad.readLine(); line != null; line = fromLoad.readLine()) {
        long[] now = sample(server.pid());
        System.out.printf(
            "%-45s server CPU %6.2f s, written %8.1f MB (%s, %s)%n",
            line,
            (now[0] - last[0]) / 100.0,
            (now[1] - last[1]) / 1e6,
            transport,
            String.join(" ", args));
        System.gc();
        last = sample(server.pid());
        toLoad.write('\n');
        toLoad.flush();
      }
      load.waitFor();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /** CPU ticks (utime + stime, 1/100 s) and bytes written (wchar) of {@code pid}. */
  private static long[] sample(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    long wchar = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
      if (line.startsWith("wchar:")) {
        wchar = Long.parseLong(line.substring(6).trim());
      }
    }
    return new long[] {ticks, wchar};
  }
}
