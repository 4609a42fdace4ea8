package dev.rollcall.bench.probe;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Endpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Rough fan-out numbers (not a test, not a benchmark of record): N Node clients joined on one topic
 * ({@code channels/src/test/js/tools/fanout-clients.mjs}), B broadcasts published at once,
 * deliveries per second from the first to the last frame the clients saw. The Node process shares
 * the 2 cores and is likely the bottleneck, so this is a lower bound. Run like IdleMemoryProbe:
 * {@code FanoutProbe [N] [B]}.
 */
public final class FanoutProbe {
  private FanoutProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int b = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    try (Endpoint endpoint = ProbeServer.start()) {
      ProcessBuilder builder =
          new ProcessBuilder("node", "tools/fanout-clients.mjs")
              .directory(ProbeServer.nodeClients().toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().put("ROLLCALL_URL", ProbeServer.url(endpoint));
      builder.environment().put("N", Integer.toString(n));
      builder.environment().put("B", Integer.toString(b));
      Process clients = builder.start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
      System.out.println(out.readLine());
      long start = System.nanoTime();
      for (int i = 0; i < b; i++) {
        endpoint
            .pubSub()
            .broadcast(
                "room:fan",
                new Broadcast("room:fan", "shout", Map.of("body", "notification " + i, "n", i)));
      }
      long published = System.nanoTime();
      String done = out.readLine();
      long end = System.nanoTime();
      double seconds = (end - start) / 1e9;
      System.out.printf(
          "%d subscribers x %d broadcasts: published in %.1f ms, all %d frames received in %.1f ms"
              + " (%s), %.0f deliveries/s end to end%n",
          n,
          b,
          (published - start) / 1e6,
          (long) n * b,
          seconds * 1e3,
          done,
          n * (double) b / seconds);
      clients.getOutputStream().close();
      clients.waitFor();
    }
  }
}
