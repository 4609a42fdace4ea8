package dev.rollcall.presence.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scenarios of phoenix_pubsub's state_test.exs, plus Phoenix's known pitfalls. */
class TrackerStateTest {
  private static final Replica A = new Replica("a", 1);
  private static final Replica B = new Replica("b", 1);
  private static final Replica C = new Replica("c", 1);

  private static Map<String, Object> meta(String ref) {
    return PresenceMeta.stamp(Map.of(), ref, null);
  }

  private static TrackerState[] meshed(Replica... replicas) {
    TrackerState[] states = new TrackerState[replicas.length];
    for (int i = 0; i < replicas.length; i++) {
      states[i] = new TrackerState(replicas[i]);
      for (Replica other : replicas) {
        states[i].replicaUp(other);
      }
    }
    return states;
  }

  private static List<String> keys(List<Entry> entries) {
    return entries.stream().map(Entry::key).sorted().toList();
  }

  @Test
  void userAddedOnlineIsOnline() {
    TrackerState a = new TrackerState(A);
    a.join("lobby", "john", "pid1", meta("r1"));
    assertThat(keys(a.list("lobby"))).containsExactly("john");
    a.leave("lobby", "pid1", "john");
    assertThat(a.list("lobby")).isEmpty();
  }

  @Test
  void usersFromOtherServersMerge() {
    TrackerState[] s = meshed(A, B);
    TrackerState a = s[0];
    TrackerState b = s[1];
    a.join("lobby", "alice", "alice", meta("r1"));
    b.join("lobby", "bob", "bob", meta("r2"));

    MergeResult merged = a.merge(b.extract());
    assertThat(keys(merged.joins())).containsExactly("bob");
    assertThat(merged.leaves()).isEmpty();
    assertThat(keys(a.online())).containsExactly("alice", "bob");

    // merging twice does not repeat the join
    assertThat(a.merge(b.extract()).isEmpty()).isTrue();
    assertThat(a.size()).isEqualTo(2);

    assertThat(keys(b.merge(a.extract()).joins())).containsExactly("alice");
    assertThat(b.merge(a.extract()).isEmpty()).isTrue();

    // observed remove
    a.leave("lobby", "alice", "alice");
    MergeResult removed = b.merge(a.extract());
    assertThat(removed.joins()).isEmpty();
    assertThat(keys(removed.leaves())).containsExactly("alice");
    assertThat(keys(b.online())).containsExactly("bob");
    assertThat(b.merge(a.extract()).isEmpty()).isTrue();

    b.join("lobby", "carol", "carol", meta("r3"));
    assertThat(keys(b.online())).containsExactly("bob", "carol");
    assertThat(keys(a.merge(b.extract()).joins())).containsExactly("carol");
    assertThat(a.merge(b.extract()).isEmpty()).isTrue();
    assertThat(keys(a.online())).isEqualTo(keys(b.online()));
  }

  @Test
  void basicNetsplit() {
    TrackerState[] s = meshed(A, B);
    TrackerState a = s[0];
    TrackerState b = s[1];
    a.join("lobby", "alice", "alice", meta("r1"));
    b.join("lobby", "bob", "bob", meta("r2"));
    assertThat(keys(a.merge(b.extract()).joins())).containsExactly("bob");
    assertThat(keys(a.online())).containsExactly("alice", "bob");

    a.join("lobby", "carol", "carol", meta("r3"));
    a.leave("lobby", "alice", "alice");
    a.join("lobby", "david", "david", meta("r4"));

    MergeResult down = a.replicaDown(B);
    assertThat(down.joins()).isEmpty();
    assertThat(keys(down.leaves())).containsExactly("bob");
    assertThat(keys(a.online())).containsExactly("carol", "david");

    // merging a down replica's state stores but does not list it
    assertThat(a.merge(b.extract()).isEmpty()).isTrue();
    assertThat(keys(a.online())).containsExactly("carol", "david");

    MergeResult up = a.replicaUp(B);
    assertThat(keys(up.joins())).containsExactly("bob");
    assertThat(keys(a.online())).containsExactly("bob", "carol", "david");
  }

  @Test
  void findsByOwnerTopicAndKey() {
    TrackerState state = new TrackerState(A);
    assertThat(state.find("topic", "pid", "key1")).isNull();
    Entry entry = state.join("topic", "key1", "pid", meta("r1"));
    assertThat(entry.replica()).isEqualTo(A);
    assertThat(entry.clock()).isEqualTo(1);
    assertThat(state.find("topic", "pid", "key1")).isEqualTo(entry);
    assertThat(state.find("notopic", "pid", "key1")).isNull();
    assertThat(state.find("topic", "pid", "nokey")).isNull();
    // the same owner, topic and key twice is refused
    assertThat(state.join("topic", "key1", "pid", meta("r2"))).isNull();
    assertThat(state.size()).isEqualTo(1);
  }

  @Test
  void listByTopicHidesDownReplicas() {
    TrackerState[] s = meshed(A, B, C);
    s[0].join("topic", "key1", "pid", meta("r1"));
    s[0].join("topic", "key2", "pid", meta("r2"));
    s[1].join("topic", "user2", "user2", meta("r3"));
    s[2].join("topic", "user3", "user3", meta("r4"));
    assertThat(keys(s[0].list("topic"))).containsExactly("key1", "key2");

    s[0].merge(s[1].extract());
    s[0].merge(s[2].extract());
    assertThat(keys(s[0].list("topic"))).containsExactly("key1", "key2", "user2", "user3");

    s[0].replicaDown(B);
    assertThat(keys(s[0].list("topic"))).containsExactly("key1", "key2", "user3");
    s[0].replicaDown(C);
    assertThat(keys(s[0].list("topic"))).containsExactly("key1", "key2");
    assertThat(s[0].list("another:topic")).isEmpty();
  }

  @Test
  void removeDownForgetsAReplicaAndStalePeersDoNotBringItBack() {
    TrackerState[] s = meshed(A, B, C);
    s[0].join("lobby", "alice", "alice", meta("r1"));
    s[1].join("lobby", "bob", "bob", meta("r2"));
    s[1].merge(s[0].extract());
    s[2].merge(s[0].extract());
    assertThat(keys(s[1].online())).containsExactly("alice", "bob");

    s[1].replicaDown(A);
    MergeResult removed = s[1].removeDown(A);
    assertThat(removed.leaves()).isEmpty(); // already reported when it went down
    assertThat(keys(s[1].online())).containsExactly("bob");
    assertThat(s[1].size()).isEqualTo(1);

    // C still holds alice: neither its state nor A's old delta brings her back
    assertThat(s[1].merge(s[2].extract()).isEmpty()).isTrue();
    assertThat(s[1].merge(s[0].delta()).isEmpty()).isTrue();
    assertThat(keys(s[1].online())).containsExactly("bob");

    // a removeDown of an up replica reports its entries as leaves
    assertThat(keys(s[2].removeDown(A).leaves())).containsExactly("alice");
  }

  @Test
  void basicDeltas() {
    TrackerState[] s = meshed(A, B);
    TrackerState a = s[0];
    TrackerState b = s[1];
    a.join("lobby", "alice", "alice", meta("r1"));
    b.join("lobby", "bob", "bob", meta("r2"));

    assertThat(keys(b.merge(a.delta()).joins())).containsExactly("alice");
    assertThat(b.dots(A)).isEqualTo(new Dots(1, List.of()));
    assertThat(b.clock()).isEqualTo(1);

    a.resetDelta();
    a.leave("lobby", "alice", "alice");
    MergeResult left = b.merge(a.delta());
    assertThat(keys(left.leaves())).containsExactly("alice");
    assertThat(b.dots(A)).isEqualTo(new Dots(2, List.of()));

    a.join("lobby", "alice", "alice", meta("r3"));
    assertThat(keys(b.merge(a.delta()).joins())).containsExactly("alice");
    assertThat(b.dots(A)).isEqualTo(new Dots(3, List.of()));
  }

  @Test
  void aDeltaAfterAGapGoesToTheCloudAndATransferClosesIt() {
    TrackerState[] s = meshed(A, B);
    TrackerState a = s[0];
    TrackerState b = s[1];
    a.join("lobby", "alice", "alice", meta("r1"));
    a.resetDelta(); // this delta is lost
    a.join("lobby", "bob", "bob", meta("r2"));

    assertThat(keys(b.merge(a.delta()).joins())).containsExactly("bob");
    assertThat(b.dots(A)).isEqualTo(new Dots(0, List.of(new Dots.Range(2, 2))));
    assertThat(b.hasGap(A, a.clock())).isTrue();

    assertThat(keys(b.merge(a.extract(B, null)).joins())).containsExactly("alice");
    assertThat(b.dots(A)).isEqualTo(new Dots(2, List.of()));
    assertThat(b.hasGap(A, a.clock())).isFalse();
  }

  @Test
  void aLostLeaveOnlyDeltaIsNoticedAsAGap() {
    TrackerState[] s = meshed(A, B);
    s[0].join("lobby", "alice", "alice", meta("r1"));
    s[1].merge(s[0].delta());
    s[0].resetDelta();
    s[0].leave("lobby", "alice", "alice");
    s[0].resetDelta(); // lost
    assertThat(s[1].hasGap(A, s[0].clock())).isTrue();
    assertThat(keys(s[1].merge(s[0].extract(B, null)).leaves())).containsExactly("alice");
  }

  @Test
  void aLeaveIsNeverUndoneByALateDelta() {
    TrackerState[] s = meshed(A, B);
    s[0].join("lobby", "alice", "alice", meta("r1"));
    Delta joined = s[0].delta();
    s[0].resetDelta();
    s[0].leave("lobby", "alice", "alice");
    Delta left = s[0].delta();

    s[1].merge(joined);
    s[1].merge(left);
    assertThat(s[1].online()).isEmpty();
    assertThat(s[1].merge(joined).isEmpty()).isTrue();
    assertThat(s[1].online()).isEmpty();

    // and in the other order
    TrackerState c = meshed(A, C)[1];
    c.merge(left);
    assertThat(c.merge(joined).isEmpty()).isTrue();
    assertThat(c.online()).isEmpty();
  }

  @Test
  void extractHoldsOnlyReplicasThePeerKnows() {
    TrackerState[] s = meshed(A, B, C);
    s[1].join("lobby", "bob", "bob", meta("r1"));
    s[2].join("lobby", "carol", "carol", meta("r2"));
    s[0].merge(s[1].extract());
    s[0].merge(s[2].extract());

    Snapshot forB = s[0].extract(B, List.of(A, B));
    assertThat(forB.context()).containsOnlyKeys(A);
    assertThat(forB.values()).isEmpty();

    Snapshot forC = s[0].extract(C, List.of(A, B, C));
    assertThat(forC.context()).containsOnlyKeys(A, B);
    assertThat(keys(forC.values())).containsExactly("bob");
  }

  @Test
  void updateLeavesAndJoinsWithPhxRefPrev() {
    TrackerState[] s = meshed(A, B);
    s[0].join("lobby", "alice", "pid", meta("ref1"));
    s[1].merge(s[0].delta());
    s[0].resetDelta();

    TrackerState.Update update =
        s[0].update(
            "lobby", "pid", "alice", PresenceMeta.stamp(Map.of("away", true), "ref2", null));
    assertThat(update.left().meta()).containsEntry("phx_ref", "ref1");
    assertThat(update.joined().meta())
        .containsEntry("phx_ref", "ref2")
        .containsEntry("phx_ref_prev", "ref1")
        .containsEntry("away", true);

    MergeResult merged = s[1].merge(s[0].delta());
    assertThat(merged.joins()).extracting(Entry::phxRef).containsExactly("ref2");
    assertThat(merged.leaves()).extracting(Entry::phxRef).containsExactly("ref1");
    assertThat(s[0].update("lobby", "pid", "nobody", meta("ref3"))).isNull();
    assertThatThrownBy(() -> s[0].update("lobby", "pid", "alice", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void repeatedUpdatesDoNotGrowTheState() { // phoenix_pubsub #175
    TrackerState[] s = meshed(A, B);
    s[0].join("lobby", "alice", "pid", meta("ref0"));
    for (int i = 1; i <= 10_000; i++) {
      s[0].update("lobby", "pid", "alice", meta("ref" + i));
      if (i % 100 == 0) {
        s[1].merge(s[0].delta());
        s[0].resetDelta();
      }
    }
    assertThat(s[0].size()).isEqualTo(1);
    assertThat(s[1].size()).isEqualTo(1);
    assertThat(s[1].dots(A).cloud()).isEmpty();
    assertThat(s[1].dots(A).contiguous()).isEqualTo(s[0].clock());
    s[0].update("lobby", "pid", "alice", meta("last"));
    assertThat(s[0].delta().values()).hasSize(1);
    assertThat(s[0].delta().removed()).hasSize(1);
  }

  @Test
  void twoBigReplicasMeetingForTheFirstTimeConverge() { // phoenix_pubsub #74
    TrackerState a = new TrackerState(A);
    TrackerState b = new TrackerState(B);
    for (int i = 0; i < 500; i++) {
      a.join("lobby", "a" + i, "a" + i, meta("ra" + i));
      b.join("lobby", "b" + i, "b" + i, meta("rb" + i));
      if (i % 7 == 0) {
        a.leave("lobby", "a" + (i / 2), "a" + (i / 2));
      }
    }
    a.replicaUp(B);
    b.replicaUp(A);
    // each first sees the other's latest delta (not contiguous), then a full transfer
    a.merge(b.delta());
    b.merge(a.delta());
    a.merge(b.extract(A, List.of(A, B)));
    b.merge(a.extract(B, List.of(A, B)));
    assertThat(keys(a.online())).isEqualTo(keys(b.online()));
    assertThat(a.online()).hasSize(1000 - 72);
    assertThat(a.hasGap(B, b.clock())).isFalse();
    assertThat(b.hasGap(A, a.clock())).isFalse();
  }

  @Test
  void aRestartedReplicaIsANewOneAndItsOldEntriesGo() {
    Replica a2 = new Replica("a", 2);
    TrackerState[] s = meshed(A, B);
    s[0].join("lobby", "alice", "alice", meta("r1"));
    s[1].merge(s[0].extract());
    assertThat(keys(s[1].online())).containsExactly("alice");

    TrackerState restarted = new TrackerState(a2);
    restarted.replicaUp(B);
    restarted.join("lobby", "alice", "alice", meta("r2"));
    assertThat(keys(s[1].removeDown(A).leaves())).containsExactly("alice");
    s[1].replicaUp(a2);
    assertThat(s[1].merge(restarted.extract()).joins())
        .extracting(Entry::phxRef)
        .containsExactly("r2");
    // the old incarnation's delta is ignored
    assertThat(s[1].merge(s[0].delta()).isEmpty()).isTrue();
    assertThat(s[1].online()).extracting(Entry::phxRef).containsExactly("r2");
  }

  @Test
  void ownEntriesAreNeverChangedByPeers() {
    TrackerState[] s = meshed(A, B);
    s[0].join("lobby", "alice", "alice", meta("r1"));
    s[1].merge(s[0].extract());
    // B's view of A (alice alive) with A's own values dropped must not remove alice at A
    Snapshot fromB = s[1].extract(A, null);
    assertThat(s[0].merge(fromB).isEmpty()).isTrue();
    assertThat(s[0].merge(s[1].extract()).isEmpty()).isTrue();
    assertThat(keys(s[0].online())).containsExactly("alice");
  }

  @Test
  void aReplicaNeverTakesBackItsOwnRemovedEntryFromAStalePeer() {
    TrackerState[] s = meshed(A, B);
    s[0].join("lobby", "alice", "owner1", meta("r1"));
    s[1].merge(s[0].delta());
    s[0].resetDelta();
    s[0].leaveAll("owner1");
    // B has not heard the leave yet, and even sees A go down and up meanwhile
    s[1].replicaDown(A);
    s[1].replicaUp(A);
    assertThat(keys(s[1].online())).containsExactly("alice");
    // whatever B says about A's old entry, A neither lists it nor reports it again
    assertThat(s[0].merge(s[1].extract()).isEmpty()).isTrue();
    assertThat(s[0].merge(s[1].extract(A, null)).isEmpty()).isTrue();
    assertThat(s[0].merge(s[1].extract(B, null)).isEmpty()).isTrue();
    s[1].join("lobby", "bob", "owner2", meta("r2"));
    MergeResult fromB = s[0].merge(s[1].delta());
    assertThat(fromB.leaves()).isEmpty();
    assertThat(keys(fromB.joins())).containsExactly("bob");
    assertThat(keys(s[0].online())).containsExactly("bob");
    assertThat(s[0].entries(A)).isEmpty();
  }

  @Test
  void unknownReplicasAreIgnored() {
    TrackerState a = new TrackerState(A);
    TrackerState b = new TrackerState(B);
    b.join("lobby", "bob", "bob", meta("r1"));
    assertThat(a.merge(b.delta()).isEmpty()).isTrue();
    assertThat(a.merge(b.extract()).isEmpty()).isTrue();
    assertThat(a.size()).isZero();
  }

  @Test
  void leaveAllRemovesEveryEntryOfAnOwner() {
    TrackerState a = new TrackerState(A);
    a.join("lobby", "alice", "pid", meta("r1"));
    a.join("room:1", "alice", "pid", meta("r2"));
    a.join("lobby", "bob", "other", meta("r3"));
    assertThat(keys(a.leaveAll("pid"))).containsExactly("alice", "alice");
    assertThat(keys(a.online())).containsExactly("bob");
    assertThat(a.leaveAll("pid")).isEmpty();
  }
}
