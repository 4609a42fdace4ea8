package dev.rollcall.presence.tracker;

import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.Snapshot;
import dev.rollcall.presence.crdt.TrackerState;
import dev.rollcall.pubsub.LocalPubSub;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Prints the heap cost of presence per tracked connection (a whole {@link TrackerPresence}: CRDT
 * state, owner registry and read view), and of a bare {@link TrackerState} entry; then the size of
 * a full transfer of 100k entries through {@link TrackerCodec} and how long it takes to encode,
 * decode and merge it. Run with a fixed heap, e.g. {@code -Xms1g -Xmx1g}.
 *
 * <p>Usage: {@code PresenceFootprint [entries]} (default 100000).
 */
public final class PresenceFootprint {
  private PresenceFootprint() {}

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    System.out.printf(
        "entries: %,d; meta: {online_at, user_name} with a 16-char phx_ref%n", entries);

    long before = usedHeap();
    LocalPubSub pubSub = new LocalPubSub("node-a");
    TrackerPresence presence =
        TrackerPresence.start(pubSub, PresenceConfig.defaults(), PresenceFetch.IDENTITY);
    for (int i = 0; i < entries; i++) {
      presence.track(
          "channel-" + i,
          "notifications:lobby",
          "Hero " + i,
          Map.of("online_at", "1795866031", "user_name", "Hero " + i));
    }
    presence.tracker().sync();
    long afterPresence = usedHeap();
    // The keys, owner ids and user_name strings belong to the application (the channel and its
    // assigns hold them too); they are counted here, so this is an upper bound.
    System.out.printf(
        "TrackerPresence: %,d bytes per tracked connection (state + registry + view + meta)%n",
        (afterPresence - before) / entries);
    presence.close();
    pubSub.close();

    before = usedHeap();
    TrackerState state = new TrackerState(new Replica("node-a", 1));
    state.replicaUp(new Replica("node-b", 1));
    Map<String, Object> shared = PresenceMeta.stamp(Map.of("online_at", "1795866031"), "r", null);
    for (int i = 0; i < entries; i++) {
      state.join("notifications:lobby", "Hero " + i, "channel-" + i, shared);
    }
    state.resetDelta();
    long afterState = usedHeap();
    System.out.printf(
        "TrackerState alone: %,d bytes per entry (one shared meta; key and owner strings included)%n",
        (afterState - before) / entries);

    TrackerCodec codec = new TrackerCodec();
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      Snapshot snapshot = state.extract(new Replica("node-b", 1), null);
      byte[] bytes =
          codec.encode(
              new TrackerMessage.TransferAck(state.replica(), new Replica("node-b", 1), snapshot));
      long t1 = System.nanoTime();
      TrackerMessage.TransferAck ack = (TrackerMessage.TransferAck) codec.decode(bytes);
      long t2 = System.nanoTime();
      TrackerState peer = new TrackerState(new Replica("node-b", 1));
      peer.replicaUp(state.replica());
      int joins = peer.merge(ack.state()).joins().size();
      long t3 = System.nanoTime();
      System.out.printf(
          "full transfer of %,d entries: %,d bytes (%.0f bytes/entry); extract+encode %d ms,"
              + " decode %d ms, merge %d ms (%,d joins)%n",
          entries,
          bytes.length,
          (double) bytes.length / entries,
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          (t3 - t2) / 1_000_000,
          joins);
    }
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
