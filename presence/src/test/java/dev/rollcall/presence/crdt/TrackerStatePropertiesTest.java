package dev.rollcall.presence.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The algebra of {@link TrackerState}, over random histories of three replicas. */
class TrackerStatePropertiesTest {

  @Provide
  Arbitrary<List<int[]>> histories() {
    return Arbitraries.integers()
        .between(0, 9_999)
        .array(int[].class)
        .ofSize(4)
        .list()
        .ofMaxSize(150);
  }

  private static SimulatedReplicas run(List<int[]> history) {
    SimulatedReplicas replicas = new SimulatedReplicas(3);
    history.forEach(replicas::step);
    return replicas;
  }

  @Property(tries = 300)
  void everyReplicaConvergesToTheTruthAfterAnyDeliveryOrder(
      @ForAll("histories") List<int[]> history) {
    SimulatedReplicas replicas = run(history);
    replicas.heal();
    // stale, duplicated messages after the heal change nothing
    replicas.deliverAllInFlight();
    Set<Entry> truth = replicas.truth();
    for (TrackerState state : replicas.states) {
      assertThat(Set.copyOf(state.online())).isEqualTo(truth);
    }
  }

  @Property(tries = 200)
  void mergeIsCommutativeAssociativeAndIdempotent(@ForAll("histories") List<int[]> history) {
    SimulatedReplicas replicas = run(history);
    TrackerState[] s = replicas.states;
    for (TrackerState state : s) {
      for (TrackerState other : s) {
        state.replicaUp(other.replica());
      }
    }
    TrackerState a = s[0];
    TrackerState b = s[1];
    TrackerState c = s[2];

    TrackerState ab = a.copy();
    ab.merge(b.extract());
    TrackerState ba = b.copy();
    ba.merge(a.extract());
    assertThat(SimulatedReplicas.content(ab)).isEqualTo(SimulatedReplicas.content(ba));

    TrackerState abC = ab.copy();
    abC.merge(c.extract());
    TrackerState bc = b.copy();
    bc.merge(c.extract());
    TrackerState aBc = a.copy();
    aBc.merge(bc.extract());
    assertThat(SimulatedReplicas.content(abC)).isEqualTo(SimulatedReplicas.content(aBc));

    TrackerState aa = a.copy();
    assertThat(aa.merge(a.extract()).isEmpty()).isTrue();
    assertThat(SimulatedReplicas.content(aa)).isEqualTo(SimulatedReplicas.content(a));
    TrackerState abb = ab.copy();
    assertThat(abb.merge(b.extract()).isEmpty()).isTrue();
    assertThat(SimulatedReplicas.content(abb)).isEqualTo(SimulatedReplicas.content(ab));
  }

  @Property(tries = 200)
  void aTransferInChunksMergesLikeTheWholeState(
      @ForAll("histories") List<int[]> history,
      @ForAll @IntRange(min = 1, max = 6) int chunkSize,
      @ForAll Random random) {
    SimulatedReplicas replicas = run(history);
    TrackerState[] s = replicas.states;
    for (TrackerState state : s) {
      for (TrackerState other : s) {
        state.replicaUp(other.replica());
      }
    }
    TrackerState whole = s[1].copy();
    whole.merge(s[0].extract(s[1].replica(), null));
    List<Snapshot> chunks = new ArrayList<>(s[0].extractChunks(s[1].replica(), null, chunkSize));
    for (Snapshot chunk : chunks) {
      assertThat(chunk.values().size()).isLessThanOrEqualTo(chunkSize);
    }
    Collections.shuffle(chunks, random);
    TrackerState pieces = s[1].copy();
    for (Snapshot chunk : chunks) {
      pieces.merge(chunk);
    }
    assertThat(SimulatedReplicas.content(pieces)).isEqualTo(SimulatedReplicas.content(whole));
  }

  @Property(tries = 200)
  void deltasAndTransfersAgree(@ForAll("histories") List<int[]> history) {
    // Merging a delta must give what merging the sender's whole state gives for its dots.
    SimulatedReplicas replicas = run(history);
    TrackerState[] s = replicas.states;
    for (TrackerState state : s) {
      for (TrackerState other : s) {
        state.replicaUp(other.replica());
      }
    }
    TrackerState viaTransfer = s[1].copy();
    viaTransfer.merge(s[0].extract());
    TrackerState viaDeltas = s[1].copy();
    viaDeltas.merge(s[0].extract());
    s[0].join("t0", "late", "late", PresenceMeta.stamp(java.util.Map.of(), "late", null));
    viaDeltas.merge(s[0].delta());
    viaTransfer.merge(s[0].extract());
    assertThat(Set.copyOf(viaDeltas.entries(s[0].replica())))
        .isEqualTo(Set.copyOf(viaTransfer.entries(s[0].replica())));
  }
}
