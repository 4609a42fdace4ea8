package dev.rollcall.bench.presence;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.Subscriber;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N clients join one topic one after another, as a reconnect storm does: each subscribes, is
 * tracked, and gets {@code presence_state} (the list); then every {@code presence_diff} reaches
 * every subscriber present. Prints the diffs broadcast, the frames delivered to clients and the
 * time until every client's roster is complete, for each diff window given, fixed and adaptive
 * (growing to the default maxDiffWindow, 200 ms, during the storm).
 *
 * <p>Usage: {@code JoinStorm [clients] [windowMillis...]} (default 10000 clients, windows 25 and 0;
 * a zero window has nothing to adapt). In-process (no sockets): it counts what a server would
 * write, not what a kernel can carry.
 */
public final class JoinStorm {
  private JoinStorm() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long[] windows = args.length > 1 ? new long[args.length - 1] : new long[] {25, 0};
    for (int i = 1; i < args.length; i++) {
      windows[i - 1] = Long.parseLong(args[i]);
    }
    Duration adaptiveMax = PresenceConfig.defaults().maxDiffWindow();
    for (long window : windows) {
      Duration base = Duration.ofMillis(window);
      run(clients, base, base);
      if (window > 0 && adaptiveMax.compareTo(base) > 0) {
        run(clients, base, adaptiveMax);
      }
    }
  }

  /** One client: the keys its roster holds, as phoenix.js would after state and diffs. */
  private static final class Client implements Subscriber {
    final BitSet roster = new BitSet();
    final int clients;
    final AtomicInteger complete;
    final AtomicLong frames;
    boolean done;

    Client(int clients, AtomicInteger complete, AtomicLong frames) {
      this.clients = clients;
      this.complete = complete;
      this.frames = frames;
    }

    synchronized void state(Map<String, ?> presences) {
      presences.keySet().forEach(key -> roster.set(index(key)));
      check();
    }

    @Override
    public synchronized void deliver(Delivery delivery) {
      frames.incrementAndGet();
      if (delivery.message() instanceof Broadcast broadcast
          && broadcast.payload() instanceof Map<?, ?> diff
          && diff.get("joins") instanceof Map<?, ?> joins) {
        joins.keySet().forEach(key -> roster.set(index((String) key)));
        check();
      }
    }

    private void check() {
      if (!done && roster.cardinality() == clients) {
        done = true;
        complete.incrementAndGet();
      }
    }

    private static int index(String key) {
      return Integer.parseInt(key, 1, key.length(), 10);
    }
  }

  private static void run(int clients, Duration window, Duration maxWindow)
      throws InterruptedException {
    String topic = "notifications:lobby";
    LocalPubSub pubSub = new LocalPubSub("node-a");
    PresenceConfig config =
        PresenceConfig.defaults().withDiffWindow(window).withMaxDiffWindow(maxWindow);
    Presence presence = Presence.start(pubSub, config, PresenceFetch.IDENTITY);
    AtomicLong diffs = new AtomicLong();
    pubSub.subscribe(topic, delivery -> diffs.incrementAndGet());
    AtomicInteger complete = new AtomicInteger();
    AtomicLong frames = new AtomicLong();

    long start = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      Client client = new Client(clients, complete, frames);
      pubSub.subscribe(topic, client);
      presence.track("channel-" + i, topic, "h" + i, Map.of("online_at", "1795866031"));
      client.state(presence.list(topic));
    }
    long joined = System.nanoTime();
    long deadline = joined + Duration.ofMinutes(2).toNanos();
    while (complete.get() < clients && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    long end = System.nanoTime();
    System.out.printf(
        "join storm: %,d clients, diff window %d ms (max %d ms): %,d presence_diff broadcasts, %,d frames to"
            + " clients (%.1f per client), joins done in %,d ms, every roster complete after %,d"
            + " ms (%,d of %,d complete)%n",
        clients,
        window.toMillis(),
        maxWindow.toMillis(),
        diffs.get(),
        frames.get(),
        (double) frames.get() / clients,
        (joined - start) / 1_000_000,
        (end - start) / 1_000_000,
        complete.get(),
        clients);
    presence.close();
    pubSub.close();
  }
}
