package dev.rollcall.channels.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.Socket;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;

/**
 * Random and mutated frames (see {@link FuzzFrames}) on many short-lived sockets of a running
 * server while two well-behaved clients chat on another topic.
 *
 * <p>Asserted: every fuzzing socket whose framing stays intact either still answers a heartbeat or
 * was closed with a defined code (1007 undecodable, 1008 over the rate, 1009 too big; 1002 for
 * broken framing); no log line carries a stack trace and none is an ERROR; every push of the calm
 * clients got its reply and every broadcast arrived; afterwards the server holds only the calm
 * clients' connections and channels, and the heap after GC has not grown beyond a generous bound.
 *
 * <p>CI runs a few thousand frames. {@code -Drollcall.fuzz.frames=1000000} is the bench run (see
 * docs/operations.md); {@code -Drollcall.fuzz.seed=N} replays a run.
 */
class ServerFuzzTest {
  private static final int FRAMES = Integer.getInteger("rollcall.fuzz.frames", 3000);
  private static final long SEED = Long.getLong("rollcall.fuzz.seed", new Random().nextLong());
  private static final int WORKERS = Integer.getInteger("rollcall.fuzz.workers", 4);
  private static final long HEAP_GROWTH_BOUND = 32L << 20;

  /** Close codes a socket may get for frames that kept the WebSocket framing intact. */
  private static final Set<Integer> CONTENT_CLOSES = Set.of(1007, 1008, 1009);

  /** And for frames that broke it (RFC 6455 protocol errors are 1002). */
  private static final Set<Integer> FRAMING_CLOSES = Set.of(1002, 1007, 1008, 1009);

  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final AtomicLong framesSent = new AtomicLong();

  @Example
  void randomAndMutatedFramesCostOnlyTheirOwnSocket() throws Exception {
    System.out.printf("fuzz: %d frames, seed %d, %d workers%n", FRAMES, SEED, WORKERS);
    try (UnexpectedLogLines log = new UnexpectedLogLines();
        RunningEndpoint server =
            new RunningEndpoint(
                c -> c,
                b -> b.socket(Socket.builder().channel("room:*", EchoRoomChannel::new).build()))) {
      // 2 pushes per round every 50 ms: well under the default 100 messages/s per socket
      CalmClients calm = new CalmClients(server).start(50);
      int port = server.port();

      fuzz(port, Math.min(300, FRAMES / 10), SEED - 1); // warm up before the heap baseline
      awaitOnlyCalmClientsLeft(server);
      long heapBefore = heapAfterGc();
      long started = System.nanoTime();
      fuzz(port, FRAMES, SEED);
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(calm.failures()).as("the calm clients' missing replies or broadcasts").isEmpty();
      awaitOnlyCalmClientsLeft(server);
      long heapAfter = heapAfterGc();
      calm.close();

      System.out.printf(
          "fuzz: %d frames in %.1f s (%.0f frames/s); %d expected log lines; outcomes %s%n",
          framesSent.get(),
          seconds,
          framesSent.get() / seconds,
          log.expectedLines(),
          new TreeMap<>(outcomes));
      System.out.printf(
          "fuzz: heap after GC %.1f MB before, %.1f MB after; calm clients: %s%n",
          heapBefore / 1e6, heapAfter / 1e6, calm.latencies());

      assertThat(violations).as("fuzzing sockets with an undefined outcome").isEmpty();
      assertThat(calm.failures()).as("the calm clients' missing replies or broadcasts").isEmpty();
      assertThat(calm.rounds()).as("calm rounds during the fuzz").isPositive();
      assertThat(log.unexpected()).as("log lines beyond one-liners").isEmpty();
      assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(HEAP_GROWTH_BOUND);
    }
  }

  /**
   * Generates socket plans on this (jqwik) thread, where jqwik's generators must run, and runs them
   * on {@link #WORKERS} threads until {@code frames} frames went out.
   */
  private void fuzz(int port, int frames, long seed) throws Exception {
    RandomGenerator<SocketPlan> plans = FuzzFrames.socketPlans().generator(1000);
    Random random = new Random(seed);
    BlockingQueue<SocketPlan> queue = new ArrayBlockingQueue<>(64);
    SocketPlan done = new SocketPlan(Vsn.V2, List.of());
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        running.add(
            workers.submit(
                () -> {
                  for (SocketPlan plan = queue.take(); plan != done; plan = queue.take()) {
                    run(port, plan);
                  }
                  return null;
                }));
      }
      for (long left = frames; left > 0; ) {
        SocketPlan plan = plans.next(random).value();
        left -= plan.frames().size();
        framesSent.addAndGet(plan.frames().size());
        queue.put(plan);
      }
      for (int w = 0; w < WORKERS; w++) {
        queue.put(done);
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      workers.shutdownNow();
    }
  }

  /** One short-lived socket: its frames, then (if it still can) a heartbeat, then its outcome. */
  private void run(int port, SocketPlan plan) {
    String endRef = "end-" + UUID.randomUUID();
    try (RawWebSocket ws = RawWebSocket.connect(port, plan.vsn().vsn)) {
      try {
        for (FuzzFrame frame : plan.frames()) {
          frame.sendTo(ws);
        }
        if (plan.framingIntact()) {
          ws.sendText(plan.vsn().heartbeat(endRef));
        }
        ws.flush();
      } catch (IOException e) {
        // The server may close (and reset) while the rest is still being written.
        outcome("reset while writing");
        return;
      }
      FuzzFrame last = plan.frames().getLast();
      if (!plan.framingIntact() && last.incomplete()) {
        outcome("left incomplete");
        return; // the server waits for bytes that never come; closing is the client's part
      }
      awaitOutcome(ws, plan, endRef);
    } catch (RuntimeException e) {
      violations.add("could not connect: " + e);
    }
  }

  private void awaitOutcome(RawWebSocket ws, SocketPlan plan, String endRef) {
    // Broken framing may well get no answer (a ping is answered with a pong, nothing else).
    int timeout = plan.framingIntact() ? 10_000 : 250;
    try {
      while (true) {
        RawWebSocket.Frame frame = ws.read(timeout);
        if (frame == null) {
          if (plan.framingIntact()) {
            violations.add("no heartbeat reply and no close: " + plan);
          } else {
            outcome("no answer to broken framing");
          }
          return;
        }
        if (frame.opcode() == RawWebSocket.CLOSE) {
          int code = frame.closeCode();
          outcome("closed " + code);
          Set<Integer> allowed = plan.framingIntact() ? CONTENT_CLOSES : FRAMING_CLOSES;
          if (!plan.clientCloses() && !allowed.contains(code)) {
            violations.add("closed with " + code + ": " + plan);
          }
          return;
        }
        if (frame.opcode() == RawWebSocket.TEXT
            && frame.text().contains("\"" + endRef + "\"")
            && frame.text().contains("phx_reply")) {
          outcome("answered heartbeat");
          return;
        }
      }
    } catch (IOException e) {
      outcome("reset while reading");
    }
  }

  private void outcome(String what) {
    outcomes.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  private static void awaitOnlyCalmClientsLeft(RunningEndpoint server) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var stats = server.endpoint.stats();
              assertThat("connections " + stats.connections() + ", channels " + stats.channels())
                  .as("what the server holds once the fuzzing sockets are gone")
                  .isEqualTo("connections 2, channels 2");
            });
  }

  static long heapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
