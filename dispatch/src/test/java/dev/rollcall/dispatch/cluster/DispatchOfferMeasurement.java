package dev.rollcall.dispatch.cluster;

import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import dev.rollcall.protocol.Message;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dispatch offers at scale (docs/dispatch.md, "Measurements"): three launcher JVMs on a real Redis,
 * 1000 heroes spread over them. First, report-to-offer latency: incidents reported one at a time on
 * node 1, from the report push to the {@code dispatch_offer} frame at whichever hero gets it;
 * heroes accept and resolve each offer at once. Then throughput: incidents reported with many in
 * flight, each accepted and resolved by its hero, until all are resolved: the incidents per second
 * the driver carries through report, offer, accept and resolve. Prints numbers; asserts nothing.
 * Run with the dispatch test classpath (command in docs/dispatch.md).
 */
public final class DispatchOfferMeasurement {
  private static final String LOBBY = "notifications:lobby";
  private static final int HEROES = 1000;
  private static final int SEQUENTIAL = 300;
  private static final int CONCURRENT = 3000;
  private static final int IN_FLIGHT = 64;

  /** id → nanoTime the report was sent (sequential phase). */
  private static final Map<String, Long> reportedAt = new ConcurrentHashMap<>();

  private static final Map<String, Long> offeredAt = new ConcurrentHashMap<>();
  private static volatile CountDownLatch resolved = new CountDownLatch(0);

  /** Accepts and resolves every offer it gets. */
  private static final class Responder implements ClientListener {
    @Override
    public void onMessage(ClientSocket socket, Message message) {
      if (!"dispatch_offer".equals(message.event())
          || !(message.payload() instanceof Map<?, ?> offer)
          || !(offer.get("id") instanceof String id)) {
        return;
      }
      offeredAt.putIfAbsent(id, System.nanoTime());
      socket
          .push(LOBBY, "accept_dispatch", Map.of("id", id))
          .thenCompose(
              accepted ->
                  "ok".equals(ClientSocket.status(accepted))
                      ? socket.push(LOBBY, "resolve_dispatch", Map.of("id", id))
                      : CompletableFuture.completedFuture(accepted))
          .thenAccept(done -> resolved.countDown());
    }
  }

  public static void main(String[] args) throws Exception {
    try (var redis = RedisServerProcess.start();
        var client = new PhoenixClient(ClientConfig.defaults().withEventLoopThreads(2))) {
      List<ClusterNode> nodes = new ArrayList<>();
      try {
        List<CompletableFuture<ClusterNode>> starting = new ArrayList<>();
        for (String name : List.of("m1", "m2", "m3")) {
          starting.add(
              CompletableFuture.supplyAsync(
                  () -> ClusterNode.start(name, redis.uri(), "1h", "--offer-timeout", "60s")));
        }
        for (var node : starting) {
          nodes.add(node.join());
        }
        var responder = new Responder();
        List<ClientSocket> heroes = new ArrayList<>();
        for (int i = 0; i < HEROES; i++) {
          ClientSocket socket =
              client
                  .connect(
                      nodes.get(i % 3).socketUri(),
                      SocketOptions.defaults().withListener(responder))
                  .get(10, TimeUnit.SECONDS);
          socket.join(LOBBY, Map.of()).get(10, TimeUnit.SECONDS);
          heroes.add(socket);
        }
        ClientSocket reporter = client.connect(nodes.get(0).socketUri()).get(10, TimeUnit.SECONDS);
        reporter.join(LOBBY, Map.of()).get(10, TimeUnit.SECONDS);
        reporter.push(LOBBY, "set_status", Map.of("status", "off_duty")).get(10, TimeUnit.SECONDS);
        while (nodes.stream().anyMatch(n -> metric(n, "rollcall_heroes") < HEROES + 1)) {
          Thread.sleep(100);
        }
        System.out.printf("%d heroes over 3 nodes%n", HEROES);

        // Report-to-offer, one incident at a time.
        resolved = new CountDownLatch(SEQUENTIAL);
        long[] latencies = new long[SEQUENTIAL];
        for (int i = 0; i < SEQUENTIAL; i++) {
          long start = System.nanoTime();
          Message reply =
              reporter
                  .push(LOBBY, "report_incident", Map.of("body", "incident " + i))
                  .get(10, TimeUnit.SECONDS);
          String id = (String) ((Map<?, ?>) ClientSocket.response(reply)).get("id");
          while (!offeredAt.containsKey(id)) {
            Thread.onSpinWait();
          }
          latencies[i] = offeredAt.get(id) - start;
        }
        resolved.await(30, TimeUnit.SECONDS);
        Arrays.sort(latencies);
        System.out.printf(
            "report-to-offer over %d incidents: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
            SEQUENTIAL,
            latencies[SEQUENTIAL / 2] / 1e6,
            latencies[SEQUENTIAL * 99 / 100] / 1e6,
            latencies[SEQUENTIAL - 1] / 1e6);

        // Throughput: many in flight, each through report, offer, accept and resolve.
        resolved = new CountDownLatch(CONCURRENT);
        var inFlight = new Semaphore(IN_FLIGHT);
        var refused = new AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < CONCURRENT; i++) {
          inFlight.acquire();
          reporter
              .push(LOBBY, "report_incident", Map.of("body", "burst " + i))
              .whenComplete(
                  (reply, error) -> {
                    if (error != null || !"ok".equals(ClientSocket.status(reply))) {
                      refused.incrementAndGet();
                      resolved.countDown();
                    }
                    inFlight.release();
                  });
        }
        boolean all = resolved.await(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%d incidents reported, offered, accepted and resolved in %.1f s: %.0f incidents/s"
                + " (%s, %d refused)%n",
            CONCURRENT,
            seconds,
            (CONCURRENT - resolved.getCount()) / seconds,
            all ? "all done" : resolved.getCount() + " not done",
            refused.get());
        heroes.forEach(ClientSocket::close);
        reporter.close();
      } finally {
        nodes.forEach(ClusterNode::close);
      }
    }
  }

  private static double metric(ClusterNode node, String name) {
    try {
      return node.metric(name);
    } catch (Exception e) {
      return 0;
    }
  }
}
