package dev.rollcall.presence.tracker;

import dev.rollcall.presence.crdt.Delta;
import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.Snapshot;
import dev.rollcall.presence.crdt.TrackerState;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast a replica takes in a peer's changes: a heartbeat delta of {@code size} joins, a full
 * state of {@code size} entries, and the same through the tracker codec (what crosses Redis).
 * Entries per second = size × ops/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class TrackerMergeBenchmark {
  private static final Replica LOCAL = new Replica("local", 1);
  private static final Replica PEER = new Replica("peer", 1);

  @Param({"100", "10000"})
  int size;

  private Delta delta;
  private Snapshot snapshot;
  private byte[] encodedDelta;
  private final TrackerCodec codec = new TrackerCodec();

  @Setup
  public void setUp() {
    TrackerState peer = new TrackerState(PEER);
    peer.replicaUp(LOCAL);
    for (int i = 0; i < size; i++) {
      peer.join(
          "notifications:lobby",
          "Hero " + i,
          "channel-" + i,
          PresenceMeta.stamp(
              Map.of("online_at", "1795866031", "user_name", "Hero " + i), "ref" + i, null));
    }
    delta = peer.delta();
    snapshot = peer.extract(LOCAL, null);
    encodedDelta = codec.encode(new TrackerMessage.Heartbeat(PEER, peer.clock(), delta));
  }

  private static TrackerState fresh() {
    TrackerState local = new TrackerState(LOCAL);
    local.replicaUp(PEER);
    return local;
  }

  @Benchmark
  public Object mergeDelta() {
    return fresh().merge(delta);
  }

  @Benchmark
  public Object mergeSnapshot() {
    return fresh().merge(snapshot);
  }

  @Benchmark
  public Object decodeAndMergeDelta() {
    TrackerMessage.Heartbeat heartbeat = (TrackerMessage.Heartbeat) codec.decode(encodedDelta);
    return fresh().merge(heartbeat.delta());
  }

  /** A local join then a leave, as a channel that comes and goes (the tracker thread's work). */
  @State(Scope.Thread)
  public static class Churn {
    final TrackerState state = new TrackerState(LOCAL);
    final Map<String, Object> meta = PresenceMeta.stamp(Map.of("online_at", "1"), "ref", null);
    long n;
  }

  @Benchmark
  public Object joinAndLeave(Churn churn) {
    String owner = "channel-" + churn.n++;
    churn.state.join("notifications:lobby", "Hero", owner, churn.meta);
    Object left = churn.state.leave("notifications:lobby", owner, "Hero");
    if ((churn.n & 1023) == 0) {
      churn.state.resetDelta();
    }
    return left;
  }
}
