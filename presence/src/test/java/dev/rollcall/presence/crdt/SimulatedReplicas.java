package dev.rollcall.presence.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A few {@link TrackerState}s driven by a random history of local changes, heartbeats, deliveries
 * (in any order, duplicated or lost), transfers, downs, permdowns and restarts, with the invariants
 * checked after every step. Confined to the test's thread.
 */
final class SimulatedReplicas {
  private record Message(int to, Object payload) {}

  private record Dot(Replica replica, long clock) {
    static Dot of(Entry entry) {
      return new Dot(entry.replica(), entry.clock());
    }
  }

  final TrackerState[] states;
  private final Map<Dot, Entry>[] views;
  private final Set<Dot>[] removedSeen;
  private final List<Message> network = new ArrayList<>();
  private int refs;

  @SuppressWarnings({
    "unchecked",
    "rawtypes"
  }) // generic arrays cannot be created without a raw type
  SimulatedReplicas(int size) {
    states = new TrackerState[size];
    views = new Map[size];
    removedSeen = new Set[size];
    for (int i = 0; i < size; i++) {
      states[i] = new TrackerState(new Replica("n" + i, 1));
      views[i] = new HashMap<>();
      removedSeen[i] = new HashSet<>();
    }
    for (TrackerState state : states) {
      for (TrackerState other : states) {
        state.replicaUp(other.replica());
      }
    }
  }

  /** Runs one step of a history; each int chooses among what is possible at that point. */
  void step(int[] a) {
    int n = states.length;
    int i = a[1] % n;
    int j = (i + 1 + a[2] % (n - 1)) % n;
    TrackerState at = states[i];
    switch (a[0] % 11) {
      case 0, 1, 2 -> {
        Entry joined =
            at.join(
                "t" + a[2] % 2,
                "k" + a[3] % 5,
                "o" + a[2] % 4 + "@" + i,
                PresenceMeta.stamp(Map.of("n", a[3]), "ref" + ++refs, null));
        if (joined != null) {
          views[i].put(Dot.of(joined), joined);
        }
      }
      case 3 -> {
        List<Entry> own = at.entries(at.replica());
        if (!own.isEmpty()) {
          Entry entry = own.get(a[2] % own.size());
          views[i].remove(Dot.of(at.leave(entry.topic(), entry.owner(), entry.key())));
        }
      }
      case 4 -> {
        List<Entry> own = at.entries(at.replica());
        if (!own.isEmpty()) {
          Entry entry = own.get(a[2] % own.size());
          TrackerState.Update update =
              at.update(
                  entry.topic(),
                  entry.owner(),
                  entry.key(),
                  PresenceMeta.stamp(Map.of("u", a[3]), "ref" + ++refs, null));
          views[i].remove(Dot.of(update.left()));
          views[i].put(Dot.of(update.joined()), update.joined());
        }
      }
      case 5 -> at.leaveAll("o" + a[2] % 4 + "@" + i).forEach(e -> views[i].remove(Dot.of(e)));
      case 6 -> {
        if (at.hasDelta()) {
          Delta delta = at.delta();
          for (int to = 0; to < n; to++) {
            if (to != i) {
              network.add(new Message(to, delta));
            }
          }
          at.resetDelta();
        }
      }
      case 7, 8 -> {
        if (!network.isEmpty()) {
          int index = a[1] % network.size();
          Message message = a[2] % 4 == 0 ? network.get(index) : network.remove(index);
          if (a[3] % 5 != 0) {
            deliver(message);
          }
        }
      }
      case 9 -> {
        Snapshot snapshot =
            at.extract(states[j].replica(), states[j].replicas().keySet().stream().toList());
        Message message = new Message(j, snapshot);
        if (a[3] % 2 == 0) {
          deliver(message);
        } else {
          network.add(message);
        }
      }
      default -> fault(a[3] % 4, j, i);
    }
    checkInvariants();
  }

  /** {@code observer} marks {@code subject} down, forgets it, meets it again, or it restarts. */
  private void fault(int kind, int observer, int subject) {
    Replica replica = states[subject].replica();
    switch (kind) {
      case 0 -> apply(observer, states[observer].replicaDown(replica));
      case 1 -> {
        apply(observer, states[observer].replicaDown(replica));
        apply(observer, states[observer].removeDown(replica));
        // what was seen removed of a forgotten replica may be met again from stale peers
        removedSeen[observer].removeIf(dot -> dot.replica().equals(replica));
      }
      case 2 -> apply(observer, states[observer].replicaUp(replica));
      default -> restart(subject);
    }
  }

  /** The node restarts: a new version with nothing tracked; everyone else drops the old one. */
  private void restart(int subject) {
    Replica old = states[subject].replica();
    Replica fresh = new Replica(old.name(), old.version() + 1);
    states[subject] = new TrackerState(fresh);
    views[subject].clear();
    removedSeen[subject].clear();
    for (int k = 0; k < states.length; k++) {
      if (k != subject) {
        states[subject].replicaUp(states[k].replica());
        apply(k, states[k].removeDown(old));
        apply(k, states[k].replicaUp(fresh));
        int observer = k;
        removedSeen[k].removeIf(dot -> dot.replica().equals(old));
        assertThat(states[observer].entries(old)).isEmpty();
      }
    }
  }

  private void deliver(Message message) {
    TrackerState to = states[message.to()];
    MergeResult result =
        switch (message.payload()) {
          case Delta delta -> to.merge(delta);
          case Snapshot snapshot -> to.merge(snapshot);
          default -> throw new IllegalStateException();
        };
    apply(message.to(), result);
  }

  private void apply(int index, MergeResult result) {
    // a replica's own entries change only by its local operations, never by what peers say
    Replica self = states[index].replica();
    assertThat(result.joins()).as("joins of own entries").noneMatch(e -> e.replica().equals(self));
    assertThat(result.leaves())
        .as("leaves of own entries")
        .noneMatch(e -> e.replica().equals(self));
    for (Entry left : result.leaves()) {
      assertThat(views[index].remove(Dot.of(left))).as("a leave of a listed entry").isNotNull();
    }
    for (Entry joined : result.joins()) {
      assertThat(views[index].put(Dot.of(joined), joined)).as("a join of a new entry").isNull();
    }
  }

  private void checkInvariants() {
    for (int k = 0; k < states.length; k++) {
      TrackerState state = states[k];
      // what merges reported is exactly what is listed
      assertThat(views[k].keySet())
          .as("view of " + state.replica())
          .isEqualTo(state.online().stream().map(Dot::of).collect(Collectors.toSet()));
      // a remove, once seen, is never undone
      for (Replica replica : state.replicas().keySet()) {
        Dots dots = state.dots(replica);
        Set<Long> held =
            state.entries(replica).stream().map(Entry::clock).collect(Collectors.toSet());
        for (long clock : held) {
          assertThat(removedSeen[k]).doesNotContain(new Dot(replica, clock));
        }
        long top = dots.cloud().isEmpty() ? dots.contiguous() : dots.cloud().getLast().to();
        for (long clock = 1; clock <= top; clock++) {
          if (dots.contains(clock) && !held.contains(clock)) {
            removedSeen[k].add(new Dot(replica, clock));
          }
        }
      }
      // a replica that has seen all of another's history holds exactly that one's entries
      for (TrackerState owner : states) {
        Dots dots = state.dots(owner.replica());
        if (owner != state && dots != null && dots.contiguous() >= owner.clock()) {
          assertThat(Set.copyOf(state.entries(owner.replica())))
              .as(state.replica() + " has seen all of " + owner.replica())
              .isEqualTo(Set.copyOf(owner.entries(owner.replica())));
        }
      }
      // entries of down replicas are not listed
      for (Map.Entry<Replica, ReplicaStatus> replica : state.replicas().entrySet()) {
        if (replica.getValue() == ReplicaStatus.DOWN) {
          assertThat(state.online()).noneMatch(e -> e.replica().equals(replica.getKey()));
        }
      }
    }
  }

  /** Everyone meets everyone again, then two rounds of full transfers. */
  void heal() {
    for (int k = 0; k < states.length; k++) {
      for (TrackerState other : states) {
        apply(k, states[k].replicaUp(other.replica()));
      }
    }
    for (int round = 0; round < 2; round++) {
      for (int to = 0; to < states.length; to++) {
        for (int from = 0; from < states.length; from++) {
          if (to != from) {
            TrackerState target = states[to];
            deliver(
                new Message(
                    to,
                    states[from].extract(
                        target.replica(), target.replicas().keySet().stream().toList())));
          }
        }
      }
    }
    checkInvariants();
  }

  /** Delivers everything still in flight (stale, duplicated) in the given order. */
  void deliverAllInFlight() {
    for (Message message : List.copyOf(network)) {
      deliver(message);
      checkInvariants();
    }
    network.clear();
  }

  /** The entries every replica holds as its own: what everyone should list in the end. */
  Set<Entry> truth() {
    Set<Entry> truth = new HashSet<>();
    for (TrackerState state : states) {
      truth.addAll(state.entries(state.replica()));
    }
    return truth;
  }

  /** What a state has seen and holds, of every replica (the CRDT's content, status aside). */
  static Map<Replica, Object> content(TrackerState state) {
    Map<Replica, Object> content = new HashMap<>();
    for (Replica replica : state.replicas().keySet()) {
      content.put(replica, List.of(state.dots(replica), Set.copyOf(state.entries(replica))));
    }
    return content;
  }
}
