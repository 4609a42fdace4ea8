package dev.rollcall.bench.soak;

import dev.rollcall.client.CloseStatus;
import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import dev.rollcall.protocol.Message;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * One churning hero: connect to a node, join the lobby, stay a while sending a notification now and
 * then, leave (or just drop the connection), reconnect to a random node; until the deadline, after
 * which it stays where it is (joined or gone) so the roster can be checked. Runs on its own
 * (virtual) thread; the listener callbacks come from the client's event loop.
 */
final class SoakHero implements ClientListener {
  static final String LOBBY = "notifications:lobby";
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Counters of every hero together. */
  static final class Totals {
    final LongAdder joins = new LongAdder();
    final LongAdder leaves = new LongAdder();
    final LongAdder drops = new LongAdder();
    final LongAdder notificationsSent = new LongAdder();
    final LongAdder notificationsReceived = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    final Map<Integer, LongAdder> unexpectedCloseCodes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();

    @Override
    public String toString() {
      return String.format(
          "joins %d leaves %d drops %d notify sent %d received %d failures %d %s unexpected closes %d %s",
          joins.sum(),
          leaves.sum(),
          drops.sum(),
          notificationsSent.sum(),
          notificationsReceived.sum(),
          failures.sum(),
          new TreeMap<>(failureKinds),
          unexpectedCloses.sum(),
          new TreeMap<>(unexpectedCloseCodes));
    }
  }

  private final int id;
  private final PhoenixClient client;
  private final List<URI> nodes;
  private final SoakOptions options;
  private final Totals totals;
  private final InetAddress localAddress;
  private volatile CompletableFuture<String> name = new CompletableFuture<>();
  private volatile ClientSocket socket;
  private volatile boolean leaving;
  private volatile String joinedAs;

  SoakHero(int id, PhoenixClient client, List<URI> nodes, SoakOptions options, Totals totals) {
    this.id = id;
    this.client = client;
    this.nodes = nodes;
    this.options = options;
    this.totals = totals;
    // Spread over loopback addresses: churn leaves TIME_WAIT ports behind on each address pair.
    this.localAddress = address(id % 200);
  }

  private static InetAddress address(int last) {
    try {
      return InetAddress.getByAddress(
          new byte[] {127, 0, (byte) (last / 250), (byte) (1 + last % 250)});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The name this hero is joined as at the end, or null if it ended disconnected. */
  String joinedAs() {
    return joinedAs;
  }

  void run(long startNanos, long deadlineNanos) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try {
      Thread.sleep(Math.max(0, (startNanos - System.nanoTime()) / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    while (System.nanoTime() < deadlineNanos) {
      try {
        connectAndJoin(nodes.get(random.nextInt(nodes.size())));
        long stay = (long) (random.nextDouble() * options.hold().toMillis());
        long leaveAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stay);
        while (System.nanoTime() < Math.min(leaveAt, deadlineNanos)) {
          Thread.sleep(Math.min(1000, Math.max(1, stay)));
          if (random.nextDouble() < options.notifyChance()) {
            notifySomeone(random);
          }
        }
        if (System.nanoTime() >= deadlineNanos) {
          return; // stays joined: part of the roster checked at the end
        }
        disconnect(random.nextBoolean());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        totals.failures.increment();
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        totals
            .failureKinds
            .computeIfAbsent(cause.getClass().getSimpleName(), k -> new LongAdder())
            .increment();
        abort();
        try {
          Thread.sleep(1000 + random.nextInt(1000)); // phoenix.js backs off too
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void connectAndJoin(URI node) throws Exception {
    name = new CompletableFuture<>();
    CompletableFuture<ClientSocket> connecting =
        client.connect(
            node,
            SocketOptions.defaults()
                .withLocalAddress(localAddress)
                .withHeartbeat(Duration.ofSeconds(30))
                .withListener(this));
    try {
      socket = connecting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      connecting.thenAccept(ClientSocket::abort); // a late connection must not linger
      throw e;
    }
    leaving = false; // only now: the previous socket's close may be reported late
    Message reply = socket.join(LOBBY, Map.of()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (!"ok".equals(ClientSocket.status(reply))) {
      throw new IllegalStateException("join refused: " + ClientSocket.response(reply));
    }
    joinedAs = name.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    totals.joins.increment();
  }

  private void notifySomeone(ThreadLocalRandom random) {
    ClientSocket s = socket;
    if (random.nextInt(4) == 0) {
      s.send(LOBBY, "notify_all", Map.of("body", "soak " + id));
    } else {
      s.send(LOBBY, "notify_direct", Map.of("body", "soak " + id, "recipient", joinedAs));
    }
    totals.notificationsSent.increment();
  }

  /** A clean leave and close, or a dropped connection (a closed laptop lid). */
  private void disconnect(boolean clean) throws Exception {
    leaving = true;
    joinedAs = null;
    ClientSocket s = socket;
    if (clean) {
      s.leave(LOBBY).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      s.close();
      totals.leaves.increment();
    } else {
      s.abort();
      totals.drops.increment();
    }
    s.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Ends the connection for good (after the run). */
  void abort() {
    leaving = true;
    joinedAs = null;
    ClientSocket s = socket;
    if (s != null) {
      s.abort();
    }
  }

  @Override
  public void onMessage(ClientSocket from, Message message) {
    if (from != socket) {
      return; // a late frame of this hero's previous connection
    }
    switch (message.event()) {
      case "user_info" -> {
        if (message.payload() instanceof Map<?, ?> p && p.get("user_name") instanceof String n) {
          name.complete(n);
        }
      }
      case "notification" -> totals.notificationsReceived.increment();
      default -> {}
    }
  }

  @Override
  public void onClose(ClientSocket from, CloseStatus status) {
    if (!leaving && from == socket) {
      totals.unexpectedCloses.increment();
      totals.unexpectedCloseCodes.computeIfAbsent(status.code(), c -> new LongAdder()).increment();
      joinedAs = null;
    }
  }
}
