package dev.rollcall.channels.transport;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.testing.Recorder;
import dev.rollcall.channels.testing.TestSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Measures the server heap per idle WebSocket (numbers for docs/architecture.md, not a test): an
 * endpoint in this JVM, N clients in a separate Node process (src/test/js/tools/idle-clients.mjs),
 * heap after full GC before and after they connect, divided by N. Run with {@code java -cp ...
 * dev.rollcall.channels.transport.IdleMemoryProbe [N] [compress]} from the channels module
 * directory.
 */
public final class IdleMemoryProbe {
  private IdleMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    // "compress": permessage-deflate on; the ws clients offer it, so every connection has it.
    boolean compress = args.length > 1 && args[1].equals("compress");
    try (Endpoint endpoint =
        Endpoint.builder()
            .config(
                EndpointConfig.defaults().withHost("127.0.0.1").withPort(0).withCompress(compress))
            .socket(TestSocket.create(new Recorder()))
            .start()) {
      for (boolean join : new boolean[] {false, true}) {
        long before = heapAfterGc();
        ProcessBuilder builder =
            new ProcessBuilder("node", "tools/idle-clients.mjs")
                .directory(Path.of("src/test/js").toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder
            .environment()
            .put(
                "ROLLCALL_URL",
                "ws://127.0.0.1:" + endpoint.port() + "/socket/websocket?vsn=2.0.0");
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
