package dev.rollcall.bench.probe;

import dev.rollcall.channels.Endpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Measures the server heap per idle WebSocket (the figures in docs/architecture.md): an endpoint in
 * this JVM, N clients in a separate Node process ({@code
 * channels/src/test/js/tools/idle-clients.mjs}), heap after full GC before and after they connect,
 * divided by N. Run from the repository root, after {@code ./rollcall-bench --help} has built the
 * jar: {@code java -Drollcall.root=. -cp 'bench/target/rollcall-bench.jar:bench/target/lib/*'
 * dev.rollcall.bench.probe.IdleMemoryProbe [N] [compress]}.
 */
public final class IdleMemoryProbe {
  private IdleMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    // "compress": permessage-deflate on; the ws clients offer it, so every connection has it.
    boolean compress = args.length > 1 && args[1].equals("compress");
    try (Endpoint endpoint = ProbeServer.start(compress)) {
      for (boolean join : new boolean[] {false, true}) {
        long before = heapAfterGc();
        ProcessBuilder builder =
            new ProcessBuilder("node", "tools/idle-clients.mjs")
                .directory(ProbeServer.nodeClients().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("ROLLCALL_URL", ProbeServer.url(endpoint));
        builder.environment().put("N", Integer.toString(n));
        builder.environment().put("JOIN", join ? "1" : "0");
        Process clients = builder.start();
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready")) {
          throw new IllegalStateException("clients failed: " + line);
        }
        long after = heapAfterGc();
        System.out.printf(
            "%d idle %s connections: %s, heap %d -> %d bytes, %.0f bytes per connection%n",
            n,
            join ? "joined" : "unjoined",
            endpoint.stats(),
            before,
            after,
            (after - before) / (double) n);
        if (Boolean.getBoolean("probe.histogram")) {
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(ProcessHandle.current().pid()),
                  "GC.class_histogram")
              .redirectOutput(
                  Path.of("/tmp/histogram-" + (join ? "joined" : "unjoined") + ".txt").toFile())
              .start()
              .waitFor();
        }
        clients.getOutputStream().close();
        clients.waitFor();
      }
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
