package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.client.CloseStatus;
import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM drains a node's sockets in batches: 2 000 sockets, {@code --drain-batch 250
 * --drain-interval 200ms}. Every client is closed with 1001 (phoenix.js reconnects elsewhere), and
 * the closes arrive spread over the batches instead of all at once; the spread is printed (the
 * numbers in docs/operations.md), not asserted, since timings are noisy here.
 */
class DrainIT {
  private static final int SOCKETS = 2_000;
  private static final int BATCH = 250;

  @Test
  void sigtermClosesSocketsInBatches() throws Exception {
    try (var redis = RedisServerProcess.start();
        var client = new PhoenixClient(ClientConfig.defaults().withEventLoopThreads(1));
        var node =
            ClusterNode.start(
                "drained",
                redis.uri(),
                "1h",
                "--drain-batch",
                Integer.toString(BATCH),
                "--drain-interval",
                "200ms")) {
      var closes = new ConcurrentLinkedQueue<long[]>();
      ClientListener listener =
          new ClientListener() {
            @Override
            public void onClose(ClientSocket socket, CloseStatus status) {
              closes.add(new long[] {System.nanoTime(), status.code()});
            }
          };
      List<CompletableFuture<ClientSocket>> connecting = new ArrayList<>();
      List<ClientSocket> sockets = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        connecting.add(
            client.connect(node.socketUri(), SocketOptions.defaults().withListener(listener)));
        if (connecting.size() == 200) {
          for (var future : connecting) {
            sockets.add(future.get(30, TimeUnit.SECONDS));
          }
          connecting.clear();
        }
      }
      for (var future : connecting) {
        sockets.add(future.get(30, TimeUnit.SECONDS));
      }
      assertThat(sockets).hasSize(SOCKETS).allMatch(ClientSocket::isOpen);

      long sigterm = System.nanoTime();
      node.stop();
      for (ClientSocket socket : sockets) {
        socket.closed().get(30, TimeUnit.SECONDS);
      }

      assertThat(closes).hasSize(SOCKETS).allMatch(c -> c[1] == 1001);
      assertThat(node.log()).contains("drained " + SOCKETS + " connections in 8 batches of 250");
      // Closes per 100 ms after SIGTERM: the shape of the drain.
      Map<Long, Integer> per100ms = new TreeMap<>();
      long first = Long.MAX_VALUE;
      long last = 0;
      for (long[] close : closes) {
        per100ms.merge((close[0] - sigterm) / 100_000_000L, 1, Integer::sum);
        first = Math.min(first, close[0]);
        last = Math.max(last, close[0]);
      }
      System.out.printf(
          "drain of %d sockets: first close %d ms after SIGTERM, last %d ms; per 100 ms: %s%n",
          SOCKETS, (first - sigterm) / 1_000_000, (last - sigterm) / 1_000_000, per100ms);
      assertThat(per100ms.size())
          .as("closes spread over more than one 100 ms slot")
          .isGreaterThan(1);
    }
  }
}
